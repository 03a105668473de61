from dangan.cli import main

main()
