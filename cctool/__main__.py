from cctool.cli.main import run

run()
