cat <<'A' <<"B" <<C
body a $(x)
A
body b
B
body c `y` $(z)
C
