# fish completion for bosun

function __bosun_rules
    bosun rules 2>/dev/null | awk 'NR > 1 { print $1 }'
end

function __bosun_hadolint_codes
    bosun rules --hadolint 2>/dev/null | awk 'NR > 1 && $2 != "-" { print $1 }'
end

set -l commands lint image rules explain config

complete -c bosun -f
complete -c bosun -n "not __fish_seen_subcommand_from $commands" -a lint -d 'Check Dockerfiles'
complete -c bosun -n "not __fish_seen_subcommand_from $commands" -a image -d 'Check built images layer by layer'
complete -c bosun -n "not __fish_seen_subcommand_from $commands" -a rules -d 'List the rules'
complete -c bosun -n "not __fish_seen_subcommand_from $commands" -a explain -d 'Describe a rule'
complete -c bosun -n "not __fish_seen_subcommand_from $commands" -a config -d 'Convert a hadolint configuration'
complete -c bosun -n "not __fish_seen_subcommand_from $commands" -s h -l help -d 'Show the help'
complete -c bosun -n "not __fish_seen_subcommand_from $commands" -s V -l version -d 'Print the version'

complete -c bosun -n '__fish_seen_subcommand_from lint' -F
complete -c bosun -n '__fish_seen_subcommand_from lint' -s f -l format -x -a 'tty plain json sarif checkstyle gitlab github gnu' -d 'Report format'
complete -c bosun -n '__fish_seen_subcommand_from lint' -s o -l output -r -F -d 'Write the report to a file'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l severity -x -a 'error warning info error,warning warning,info' -d 'Show only these severities'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l build-arg -x -d 'Value of a build argument (NAME=VALUE)'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l target -x -d 'Stage that becomes the image'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l exclude -x -d 'In a directory, skip paths matching these globs (a,b)'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l ignore -x -a '(__bosun_rules)' -d 'Do not report these rules (a,b)'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l failure-threshold -x -a 'info warning error none' -d 'Lowest severity that fails the run'
complete -c bosun -n '__fish_seen_subcommand_from lint' -s c -l config -r -F -d 'Configuration file'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l no-config -d 'Read no configuration file'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l no-color -d 'No colour in tty output'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l stdin-filename -x -d 'Name used for standard input'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l no-hadolint-pragmas -d 'Do not honour # hadolint ignore= comments'
complete -c bosun -n '__fish_seen_subcommand_from lint' -s h -l help -d 'Show the help'

complete -c bosun -n '__fish_seen_subcommand_from image' -F
complete -c bosun -n '__fish_seen_subcommand_from image' -s f -l format -x -a 'tty plain json sarif checkstyle gitlab github gnu' -d 'Report format'
complete -c bosun -n '__fish_seen_subcommand_from image' -s o -l output -r -F -d 'Write the report to a file'
complete -c bosun -n '__fish_seen_subcommand_from image' -l severity -x -a 'error warning info error,warning warning,info' -d 'Show only these severities'
complete -c bosun -n '__fish_seen_subcommand_from image' -l platform -x -a 'linux/amd64 linux/arm64 linux/arm/v7 linux/386 linux/ppc64le linux/s390x' -d 'Image to check in a multi-platform index'
complete -c bosun -n '__fish_seen_subcommand_from image' -l ref -x -d 'Image to check by reference name or tag'
complete -c bosun -n '__fish_seen_subcommand_from image' -l name -x -d 'What reports call the image'
complete -c bosun -n '__fish_seen_subcommand_from image' -l no-verify -d 'Do not check blob digests'
complete -c bosun -n '__fish_seen_subcommand_from image' -s j -l jobs -x -d 'Threads'
complete -c bosun -n '__fish_seen_subcommand_from image' -l patterns -r -F -d 'More credential patterns'
complete -c bosun -n '__fish_seen_subcommand_from image' -l max-file-size -x -d 'Scan at most this much of each file'
complete -c bosun -n '__fish_seen_subcommand_from image' -l max-ratio -x -d 'Refuse a layer that expands more than this'
complete -c bosun -n '__fish_seen_subcommand_from image' -l base -r -F -d 'The base image the image was built on'
complete -c bosun -n '__fish_seen_subcommand_from image' -l skip-base -d 'Report only what the image adds over its base'
complete -c bosun -n '__fish_seen_subcommand_from image' -s q -l quiet -d 'No progress line'
complete -c bosun -n '__fish_seen_subcommand_from image' -l creds -x -d 'Log in to the registry as USER[:PASS]'
complete -c bosun -n '__fish_seen_subcommand_from image' -l password-stdin -d 'Read the registry password from standard input'
complete -c bosun -n '__fish_seen_subcommand_from image' -l authfile -r -F -d 'Registry auth file'
complete -c bosun -n '__fish_seen_subcommand_from image' -l cert-dir -x -a '(__fish_complete_directories)' -d 'Certificates for the registry'
complete -c bosun -n '__fish_seen_subcommand_from image' -l tls-verify -x -a 'true false' -d 'Verify the registry\'s TLS certificate'
complete -c bosun -n '__fish_seen_subcommand_from image' -l ignore -x -a '(__bosun_rules)' -d 'Do not report these rules (a,b)'
complete -c bosun -n '__fish_seen_subcommand_from image' -l failure-threshold -x -a 'info warning error none' -d 'Lowest severity that fails the run'
complete -c bosun -n '__fish_seen_subcommand_from image' -s c -l config -r -F -d 'Configuration file'
complete -c bosun -n '__fish_seen_subcommand_from image' -l no-config -d 'Read no configuration file'
complete -c bosun -n '__fish_seen_subcommand_from image' -l no-color -d 'No colour in tty output'
complete -c bosun -n '__fish_seen_subcommand_from image' -s h -l help -d 'Show the help'

complete -c bosun -n '__fish_seen_subcommand_from rules' -l docs -r -a '(__fish_complete_directories)' -d 'Write Markdown docs to a directory'
complete -c bosun -n '__fish_seen_subcommand_from rules' -l hadolint -d 'List hadolint codes and their rules'
complete -c bosun -n '__fish_seen_subcommand_from rules' -s f -l format -x -a 'table json' -d 'List format'
complete -c bosun -n '__fish_seen_subcommand_from rules explain' -s h -l help -d 'Show the help'
complete -c bosun -n '__fish_seen_subcommand_from explain' -x -a '(__bosun_rules) (__bosun_hadolint_codes)'

complete -c bosun -n '__fish_seen_subcommand_from config; and not __fish_seen_subcommand_from import' -x -a import -d 'Convert a hadolint configuration to .bosun.yaml'
complete -c bosun -n '__fish_seen_subcommand_from import' -l hadolint -r -F -d 'hadolint configuration to convert'
complete -c bosun -n '__fish_seen_subcommand_from import' -s o -l output -r -F -d 'Write the .bosun.yaml here'
complete -c bosun -n '__fish_seen_subcommand_from config' -s h -l help -d 'Show the help'
