from askiraq.cli import main

main()
