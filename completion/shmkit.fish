# fish completion for the shmkit tools, doing what completion/shmkit.bash
# does: the options from each program's own --help (so they cannot drift
# from the popt table), column names after -o and --sort, and the
# references of existing segments from shmls. Installed as PROG.fish for
# each of the six programs; whichever fish loads first sets up all six.

if not set -q __shmkit_completion_loaded
    set -g __shmkit_completion_loaded 1

    function __shmkit_refs
        shmls -rn -o REF 2>/dev/null
    end

    # __shmkit_columns [list]: column names with their descriptions; with
    # "list", as the next item of the comma-separated list being typed.
    function __shmkit_columns
        set -l prefix ''
        if test "$argv[1]" = list
            set -l tok (commandline -ct)
            string match -qr -- '^(?<p>(\+)?(.*,)?)' $tok
            set prefix $p
        end
        shmls --list-columns 2>/dev/null | string trim |
            string replace -r -- '^(\S+)\s+(.*)$' "$prefix\$1\t\$2"
    end

    # __shmkit_value PROG METAVAR: the argument of an option, by its name.
    function __shmkit_value
        switch $argv[1]
            case LIST
                __shmkit_columns list
            case COLUMN
                __shmkit_columns
            case FORMAT
                printf '%s\n' short full iso
            case USER
                __fish_complete_users
            case PID
                __fish_complete_pids
            case PATH FILE
                __fish_complete_path (commandline -ct)
            case INODE
                shmls -A -rn -o IPCNS 2>/dev/null | sort -u
            case PREFIX
                shmls -A -rn -o CONTAINER 2>/dev/null | sort -u
        end
    end

    # __shmkit_nargs: how many operands the command line has before the
    # word being completed (option arguments not counted).
    function __shmkit_nargs
        set -l words (commandline -opc)
        set -l takes $argv
        set -l n 0
        set -l skip 0
        for w in $words[2..-1]
            if test $skip = 1
                set skip 0
            else if contains -- $w $takes
                set skip 1
            else if not string match -q -- '-*' $w
                set n (math $n + 1)
            end
        end
        echo $n
    end

    function __shmkit_after_dashdash
        contains -- -- (commandline -opc)
    end

    # shmattach REF -- COMMAND...: complete COMMAND... as its own line
    function __shmkit_command
        set -l words (commandline -opc) (commandline -ct)
        set -l i (contains -i -- -- $words)
        set -l from (math $i + 1)
        __fish_complete_subcommand --commandline "$words[$from..-1]"
    end

    for prog in shmcreate shmattach shmwrite shmread shmrm shmls
        complete -c $prog -f
        set -l takes
        for line in ($prog --help 2>/dev/null)
            # named groups: fish sets an unmatched one to nothing
            string match -qr -- '^ +(?:-(?<short>[A-Za-z]), )? *--(?<long>[a-z][a-z-]*)(?:=(?<arg>[A-Z]+))? +(?<desc>.*)$' $line
            or continue
            set -l opt -l $long
            test -n "$short"; and set opt $opt -s $short
            if test -n "$arg"
                set takes $takes --$long
                test -n "$short"; and set takes $takes -$short
                complete -c $prog $opt -x -d $desc -n 'not __shmkit_after_dashdash' \
                    -a "(__shmkit_value $arg)"
            else
                complete -c $prog $opt -d $desc -n 'not __shmkit_after_dashdash'
            end
        end
        set -l first "test (__shmkit_nargs $takes) -eq 0; and not __shmkit_after_dashdash"
        switch $prog
            case shmcreate
                complete -c $prog -n $first -a private -d 'a new IPC_PRIVATE segment'
            case shmwrite
                complete -c $prog -n $first -a '(__shmkit_refs)' -d segment
                complete -c $prog -n "test (__shmkit_nargs $takes) -eq 1" -F
            case shmread
                complete -c $prog -n $first -a '(__shmkit_refs)' -d segment
            case shmattach
                complete -c $prog -n $first -a '(__shmkit_refs)' -d segment
                complete -c $prog -n __shmkit_after_dashdash -x \
                    -a '(__shmkit_command)'
            case shmrm shmls
                complete -c $prog -n 'not __shmkit_after_dashdash' -a '(__shmkit_refs)' -d segment
        end
    end
end
