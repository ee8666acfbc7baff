find . -name "*.sh" -exec sh -c 'chmod +x "$1"' _ {} \; -execdir rm {} +
