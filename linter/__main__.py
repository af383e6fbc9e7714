from samcheck.cli import main

main()
