echo $(case x in a) echo ")";; esac) $(( (1+2) * 3 )) $((echo a) | cat)
