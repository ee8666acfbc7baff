cat <<-EOF | sh - ; echo after
	apt-get install $PKG
	curl $(whoami)
	EOF
echo done
