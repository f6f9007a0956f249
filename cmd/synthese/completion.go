package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
)

// completionCommand prints a shell completion script. The scripts ask the
// command itself (urfave/cli's --generate-bash-completion) for the words.
func completionCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: bash, zsh or fish",
		ArgsUsage: "SHELL",
		Description: "Examples:\n" +
			"  source <(synthese completion bash)                    in ~/.bashrc\n" +
			"  synthese completion zsh > \"${fpath[1]}/_synthese\"\n" +
			"  synthese completion fish > ~/.config/fish/completions/synthese.fish\n\n" + exitCodesHelp,
		Action: func(c *cli.Context) error {
			switch c.Args().First() {
			case "bash":
				fmt.Fprint(stdout, bashCompletion)
			case "zsh":
				fmt.Fprint(stdout, zshCompletion)
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				fmt.Fprint(stdout, s)
			default:
				return usageError{fmt.Sprintf("completion: expected bash, zsh or fish, got %q", c.Args().First())}
			}
			return nil
		},
	}
}

const bashCompletion = `# bash completion for synthese
_synthese() {
  local cur words
  cur="${COMP_WORDS[COMP_CWORD]}"
  if [[ "$cur" == -* ]]; then
    words=$("${COMP_WORDS[@]:0:$COMP_CWORD}" "$cur" --generate-bash-completion 2>/dev/null)
  else
    words=$("${COMP_WORDS[@]:0:$COMP_CWORD}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  [[ ${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
  return 0
}
complete -o default -F _synthese synthese
`

const zshCompletion = `#compdef synthese
_synthese() {
  local -a opts
  opts=("${(@f)$(${words[@]:0:$CURRENT-1} --generate-bash-completion 2>/dev/null)}")
  _describe 'synthese' opts || _files
}
compdef _synthese synthese
`
