import FacetCommands

FacetEntry.main()
