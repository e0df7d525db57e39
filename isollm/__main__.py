from isollm.cli import main

raise SystemExit(main())
