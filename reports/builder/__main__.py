"""`python -m reports.builder`: build the support table from the results files."""
from reports.builder.cli import main

raise SystemExit(main())
