namespace Operator.Playground.Tests;

/// <summary>What the shell-typing tests share: the sample integration, manifests written as a user saves them, and output checks.</summary>
public static class ShellChecks
{
    /// <summary>The integration config/samples creates (its FQN, as the sample group names it).</summary>
    public static readonly string SampleIntegration = File.ReadAllLines(Path.Combine(Repo.Root, "config/samples/secrets_v1alpha1_secretgroup.yaml"))
        .Select(l => l.Trim()).Single(l => l.StartsWith("integrationFqn: ", StringComparison.Ordinal))["integrationFqn: ".Length..];

    /// <summary>A group in team-a on the sample integration (refresh every hour) with <paramref name="keys"/>.</summary>
    public static string GroupYaml(string name, params string[] keys) =>
        string.Join('\n', [
            "apiVersion: secrets.tfy.dev/v1alpha1",
            "kind: SecretGroup",
            "metadata:",
            $"  name: {name}",
            "  namespace: team-a",
            "spec:",
            $"  integrationFqn: {SampleIntegration}",
            "  secrets:",
            .. keys.Select(k => $"    - key: {k}"),
            ""]);

    /// <summary>A shell line writing <paramref name="content"/> to <paramref name="file"/>, as a user saves a manifest.</summary>
    public static string Write(string file, string content) => $"cat > {file} <<'YAML'\n{content}YAML";

    /// <summary>The command succeeded and printed <paramref name="shown"/> (<see cref="ShownOutput"/>).</summary>
    public static void Shows(CommandRun run, string shown)
    {
        Assert.True(run.ExitCode == 0, $"{run.Command}: exit {run.ExitCode}\n{run.Output}");
        Assert.True(ShownOutput.Mismatch(shown, run.Output) is null, $"{run.Command}\n{ShownOutput.Mismatch(shown, run.Output)}");
    }

    /// <summary>The command was refused and printed <paramref name="shown"/>.</summary>
    public static void Fails(CommandRun run, string shown)
    {
        Assert.True(run.ExitCode != 0, $"{run.Command}: exit 0, expected a refusal\n{run.Output}");
        Assert.True(ShownOutput.Mismatch(shown, run.Output) is null, $"{run.Command}\n{ShownOutput.Mismatch(shown, run.Output)}");
    }
}
