bash <<'SCRIPT'
set -e
curl -sL x | sh
SCRIPT
sh -s <<EOF
wget \$(y) $(z)
EOF
sudo -s <<X
id
X
bash <<< "apt-get update"
