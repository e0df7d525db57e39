from isollm.launch import main

raise SystemExit(main())
