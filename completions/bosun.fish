# fish completion for bosun

function __bosun_rules
    bosun rules 2>/dev/null | awk 'NR > 1 { print $1 }'
end

set -l commands lint rules explain

complete -c bosun -f
complete -c bosun -n "not __fish_seen_subcommand_from $commands" -a lint -d 'Check Dockerfiles'
complete -c bosun -n "not __fish_seen_subcommand_from $commands" -a rules -d 'List the rules'
complete -c bosun -n "not __fish_seen_subcommand_from $commands" -a explain -d 'Describe a rule'
complete -c bosun -n "not __fish_seen_subcommand_from $commands" -s h -l help -d 'Show the help'
complete -c bosun -n "not __fish_seen_subcommand_from $commands" -s V -l version -d 'Print the version'

complete -c bosun -n '__fish_seen_subcommand_from lint' -F
complete -c bosun -n '__fish_seen_subcommand_from lint' -s f -l format -x -a 'tty plain json sarif checkstyle gitlab github' -d 'Report format'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l build-arg -x -d 'Value of a build argument (NAME=VALUE)'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l target -x -d 'Stage that becomes the image'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l ignore -x -a '(__bosun_rules)' -d 'Do not report a rule'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l failure-threshold -x -a 'info warning error none' -d 'Lowest severity that fails the run'
complete -c bosun -n '__fish_seen_subcommand_from lint' -s c -l config -r -F -d 'Configuration file'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l no-config -d 'Read no configuration file'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l no-color -d 'No colour in tty output'
complete -c bosun -n '__fish_seen_subcommand_from lint' -l stdin-filename -x -d 'Name used for standard input'
complete -c bosun -n '__fish_seen_subcommand_from lint' -s h -l help -d 'Show the help'

complete -c bosun -n '__fish_seen_subcommand_from rules' -l docs -r -a '(__fish_complete_directories)' -d 'Write Markdown docs to a directory'
complete -c bosun -n '__fish_seen_subcommand_from explain' -x -a '(__bosun_rules)'
