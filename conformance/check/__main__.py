import sys

from conformance.check.cli import main

sys.exit(main())
