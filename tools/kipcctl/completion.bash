# SPDX-License-Identifier: MIT
# bash completion for kipcctl(1): commands, options, and the names of the
# mailboxes, rings, semaphores and mutexes that exist now (from
# 'kipcctl ls --json').

# Names of live objects of JSON type $1 ("mailbox", "ring", ...). Names with
# characters JSON escapes are left out: they cannot be typed as given.
_kipcctl_names()
{
	kipcctl ls --json 2>/dev/null |
		sed -n 's/.*"type":"'"$1"'",.*"name":"\([^"\\]\{1,\}\)",.*/\1/p'
}

_kipcctl()
{
	local cur prev words cword
	_init_completion || return

	# Options that take a value.
	local valued='--capacity|--max-bytes|--msgsize|--mode|--prio|--timeout|--count|--batch|--slots|--slot-size|--size|--value|--max|-n'
	local cmd="" sub="" operands=0 i
	for ((i = 1; i < cword; i++)); do
		if [[ ${words[i]} == @($valued) ]]; then
			((i++))
		elif [[ ${words[i]} == -* ]]; then
			:
		elif [[ -z $cmd ]]; then
			cmd=${words[i]}
		elif [[ $cmd == @(ring|sem|mutex) && -z $sub ]]; then
			sub=${words[i]}
		else
			((operands++))
		fi
	done

	case $prev in
	--capacity | --max-bytes | --msgsize | --prio | --timeout | --count | \
	--batch | --slots | --slot-size | --size | --value | --max | -n)
		return
		;;
	--mode)
		if [[ $cmd == ring ]]; then
			COMPREPLY=($(compgen -W 'spsc mpsc 0600 0660 0666' -- "$cur"))
		else
			COMPREPLY=($(compgen -W '0600 0660 0666' -- "$cur"))
		fi
		return
		;;
	esac

	local opts="" objects=""
	case $cmd in
	"")
		COMPREPLY=($(compgen -W 'ls stat create rm send recv watch ring sem mutex usage version help' -- "$cur"))
		return
		;;
	ls) opts="--json" ;;
	stat) opts="--json" objects=mailbox ;;
	create) opts="--capacity --max-bytes --msgsize --mode --rendezvous --hold --owned" ;;
	rm | watch) objects=mailbox ;;
	send) opts="--prio --nonblock --timeout --sync --count --batch" objects=mailbox ;;
	recv) opts="--nonblock --timeout --count --batch --verbose" objects=mailbox ;;
	ring)
		case $sub in
		"")
			COMPREPLY=($(compgen -W 'create ls stat rm produce consume' -- "$cur"))
			return
			;;
		create) opts="--slots --slot-size --mode --mpsc" ;;
		ls) opts="--json" ;;
		stat) opts="--json" objects=ring ;;
		rm) objects=ring ;;
		produce) opts="--count --size --batch" objects=ring ;;
		consume) opts="--count --verify --batch --timeout" objects=ring ;;
		esac
		;;
	sem)
		case $sub in
		"")
			COMPREPLY=($(compgen -W 'create post wait stat rm' -- "$cur"))
			return
			;;
		create) opts="--value --max --mode" ;;
		post) opts="-n" objects=semaphore ;;
		wait) opts="-n --nonblock --timeout" objects=semaphore ;;
		stat) opts="--json" objects=semaphore ;;
		rm) objects=semaphore ;;
		esac
		;;
	mutex)
		case $sub in
		"")
			COMPREPLY=($(compgen -W 'create lock unlock stat rm' -- "$cur"))
			return
			;;
		create) opts="--recursive --mode" ;;
		lock) opts="--nonblock --timeout" objects=mutex ;;
		stat) opts="--json" objects=mutex ;;
		unlock | rm) objects=mutex ;;
		esac
		;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	elif [[ -n $objects && $operands -eq 0 ]]; then
		local IFS=$'\n'
		COMPREPLY=($(compgen -W "$(_kipcctl_names "$objects")" -- "$cur"))
	fi
} &&
	complete -F _kipcctl kipcctl
