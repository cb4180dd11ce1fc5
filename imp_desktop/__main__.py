from imp_desktop.cli import main

raise SystemExit(main())
