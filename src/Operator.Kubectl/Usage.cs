namespace Operator.Kubectl;

/// <summary>The plugin's help text.</summary>
public static class Usage
{
    public const string Text = """
        kubectl secretgroup: look at and nudge SecretGroups of the SecretGroup operator.

        Commands:
          status                 a table of groups: readiness, reason, last and next sync
          sync <group>           ask for one sync now (sets secrets.tfy.dev/force-sync) and wait for its result
          why <group>            the group's conditions and its last Events, in plain words
          refs <reference>       parse tfy-secret://t:g:k, <integration-fqn>::<path> or tfy-k8s-secret://KEY
                                 with the operator's parser and say what it points to in the cluster

        Flags:
          -n, --namespace NS     the group's namespace (default: the kubeconfig context's, else default)
          -A, --all-namespaces   status: every namespace
          --timeout DURATION     sync: how long to wait for the operator (default 60s)
          --kubeconfig PATH, --context NAME
        """;

    /// <summary>Prints the help to <paramref name="output"/> and returns <paramref name="exitCode"/>.</summary>
    public static int Print(TextWriter output, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(Text);
        return exitCode;
    }
}
