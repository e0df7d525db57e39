from isollm.cli.launch import main

raise SystemExit(main())
