using System.Text.RegularExpressions;

namespace Operator.Playground.Tests;

/// <summary>
/// How the docs' commands meet the playground: the few not run here (each with the reason), the values of their
/// <c>&lt;placeholders&gt;</c>, what a command presumes exists where the docs use it, and which ones would change
/// what the others see. A command in none of these tables runs verbatim.
/// </summary>
public static partial class DocCommandRules
{
    /// <summary>Exact command texts not run, and why. A test fails when one no longer appears in the docs.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotRun = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["kubectl rollout restart"] = "prose naming kubectl's manual restart (no workload given); the operator's own restarts are tested in Workloads/ReloadRolloutTests",
        ["kubectl apply"] = "prose naming plain client-side apply (no file given); the install commands around it are run",
        ["kubectl delete -f deploy/install.yaml"] = "the emulator empties a deleted namespace at once, where a real API server's namespace controller does so afterwards, so kubectl's later deletes in that namespace get NotFound (a known difference, emulator README)",
    };

    /// <summary>Values for the docs' placeholders. A placeholder missing here fails its command's test.</summary>
    public static readonly IReadOnlyDictionary<string, string> Placeholders = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["<operator-ns>"] = "secretgroup-system",
        ["<group>"] = "openai-keys",
        ["<namespace>"] = "team-a",
        ["<tenant>"] = "default",
        ["<new-namespace>"] = "team-b",
    };

    /// <summary>Why a command is not run here, or null when it is.</summary>
    public static string? Skip(DocCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (NotRun.TryGetValue(command.Text, out var reason))
        {
            return reason;
        }

        return command.Program switch
        {
            "helm" => "no helm binary is served here; the chart is rendered and compared in Operator.Tests/Install",
            "make" when !IsPlaygroundStart(command) => $"`{command.Text}` is a developer command, run by the build itself, not on the playground",
            _ => null,
        };
    }

    /// <summary><c>make run</c> / <c>make playground</c>: the suite's own playground is what they start (MakefileTests checks they do).</summary>
    public static bool IsPlaygroundStart(DocCommand command) =>
        command?.Text is { } text && (text == "make playground" || text.StartsWith("make run", StringComparison.Ordinal));

    /// <summary>Shell lines run (silently) before a block whose command presumes something the docs say exists where it is used.</summary>
    public static IReadOnlyList<string> Setup(DocCommand command) => command?.Text switch
    {
        // Argo CD's own namespace and argocd-cm exist wherever Argo CD runs.
        { } t when t.StartsWith("kubectl -n argocd patch configmap argocd-cm", StringComparison.Ordinal) =>
            ["kubectl get ns argocd || kubectl create ns argocd", "kubectl -n argocd get configmap argocd-cm || kubectl -n argocd create configmap argocd-cm"],
        // The REST API README has the reader pick an API key in $KEY, and the operator runs in <operator-ns>.
        { } t when t.Contains("\"$KEY\"", StringComparison.Ordinal) =>
            ["export KEY=playground-example-api-key", "kubectl get ns secretgroup-system || kubectl create ns secretgroup-system"],
        // The curl walk-through takes a token of "a --tenant-admins ServiceAccount"; the README above it creates ci-bot.
        { } t when t.StartsWith("TOKEN=$(kubectl -n platform create token ci-bot", StringComparison.Ordinal) =>
            ["kubectl get ns platform || kubectl create ns platform", "kubectl -n platform get sa ci-bot || kubectl -n platform create sa ci-bot"],
        // make install-plugin put the plugin on PATH; here the one built next to the tests is.
        { } t when t.StartsWith("kubectl secretgroup ", StringComparison.Ordinal) => [KubectlPlugin.OnPath],
        // Recovery steps for a cluster where the webhook configuration was installed.
        { } t when t.StartsWith("kubectl delete mutatingwebhookconfiguration", StringComparison.Ordinal)
            || t.StartsWith("kubectl patch mutatingwebhookconfiguration", StringComparison.Ordinal) =>
            ["kubectl apply -f config/webhook/mutating_webhook_configuration.yaml"],
        _ => [],
    };

    /// <summary>
    /// Commands that take away what other blocks use (CRDs, namespaces), create a namespace another block's setup may
    /// have created first, or show the output a new user sees (what other blocks create would show up in it) run on a
    /// playground of their own.
    /// </summary>
    public static bool Isolated(DocCommand command) =>
        command?.Text is { } text && (text.StartsWith("kubectl delete", StringComparison.Ordinal)
            || text.StartsWith("kubectl create namespace", StringComparison.Ordinal)
            || (command.ShownOutput is not null && !text.StartsWith("kubectl auth can-i ", StringComparison.Ordinal)));

    /// <summary>The command with its placeholders filled in; an unknown placeholder fails the test, naming it.</summary>
    public static string Filled(DocCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Placeholder().Replace(command.Text, m => Placeholders.TryGetValue(m.Value, out var value)
            ? value
            : throw new Xunit.Sdk.XunitException($"{command}: no value for the placeholder {m.Value}; add one to DocCommandRules.Placeholders"));
    }

    [GeneratedRegex("<[a-z][a-z0-9-]*>")]
    private static partial Regex Placeholder();
}
