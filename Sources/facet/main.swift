import FacetCommands

FacetEntry.runAndExit()
