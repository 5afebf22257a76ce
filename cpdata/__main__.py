from cpdata.cli import main

main()
