x=$(cat <<EOF
hello $(id)
EOF
)
echo "$x"
