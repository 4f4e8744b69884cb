from lodestar.cli.main import run

run()
