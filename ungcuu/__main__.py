from ungcuu.cli import main

main()
