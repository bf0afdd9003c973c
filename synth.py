"""CDKTF app entry (`cdktf.json`: "app": "python synth.py"): validate the config and synthesize every stack."""

import sys

from landingzone.cli import main

if __name__ == "__main__":
    sys.exit(main(["synth", *sys.argv[1:]]))
