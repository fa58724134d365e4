using System.Globalization;

namespace Operator.Playground;

/// <summary>
/// What the playground prints once it is ready: where everything answers, who can log in with which token, what to
/// try and how to stop. The same facts go to <c>playground.env</c> (next to the kubeconfig) for <c>source</c>.
/// </summary>
internal static class PlaygroundBanner
{
    /// <summary>The first line of the banner; tests and scripts wait for it.</summary>
    public const string ReadyLine = "The playground is ready.";

    public static async Task WriteAsync(
        TextWriter output, Playground playground, PlaygroundOptions options, IReadOnlyList<string> samples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(playground);
        ArgumentNullException.ThrowIfNull(options);
        var endpoints = playground.Endpoints;
        var envFile = Path.ChangeExtension(options.KubeconfigPath, ".env");
        var variables = Variables(options, endpoints);
        await File.WriteAllTextAsync(envFile, EnvFile(variables), cancellationToken);

        var lines = new List<string>
        {
            ReadyLine,
            $"  Kubernetes API  {playground.Emulator.SecureBaseAddress.ToString().TrimEnd('/')} (RBAC {(options.EnforceRbac ? "enforced" : "off")})",
            $"  kubeconfig      {options.KubeconfigPath}",
            $"  environment     {envFile} ({string.Join(", ", variables.Select(v => v.Name))})",
        };
        if (endpoints is null)
        {
            lines.Add("  operator        not started (--no-operator)");
        }
        else
        {
            lines.Add($"  metrics         {Url(endpoints.MetricsPort)}/metrics");
            lines.Add($"  health          {Url(endpoints.HealthPort)}/healthz and /readyz");
            lines.Add(endpoints.ApiPort is { } api
                ? $"  REST API        {Url(api)}/v1/secret-groups"
                : "  REST API        off (--api-enabled=false)");
        }

        lines.AddRange(samples.Select((s, i) => (i == 0 ? "  samples         " : "                  ") + s));
        lines.Add("Users (bearer tokens for kubectl --token and the REST API; they die with the playground):");
        lines.AddRange(PlaygroundUsers.All.Select(u => $"  {u.Name,-7} {u.EnvironmentVariable}={u.Token}  ({u.Role})"));
        lines.Add("");
        lines.Add("Try, in another terminal:");
        lines.Add($"  source {envFile}");
        lines.Add("  kubectl get sg -A");
        lines.Add("  kubectl describe sg -n team-a openai-keys");
        lines.Add("  kubectl --token=$EDITOR_TOKEN get secret -n team-a openai-keys");
        if (endpoints?.ApiPort is not null)
        {
            lines.Add("  curl -H \"Authorization: Bearer $VIEWER_TOKEN\" $API_URL/v1/secret-groups");
        }

        lines.Add("Stop with Ctrl-C; nothing is kept, the next start begins from config/samples again.");
        foreach (var line in lines)
        {
            await output.WriteLineAsync(line);
        }

        await output.FlushAsync(cancellationToken);
    }

    private static List<(string Name, string Value)> Variables(PlaygroundOptions options, OperatorEndpoints? endpoints)
    {
        var variables = new List<(string Name, string Value)> { ("KUBECONFIG", options.KubeconfigPath) };
        variables.AddRange(PlaygroundUsers.All.Select(u => (u.EnvironmentVariable, u.Token)));
        if (endpoints is not null)
        {
            variables.Add(("METRICS_URL", $"{Url(endpoints.MetricsPort)}/metrics"));
            variables.Add(("HEALTH_URL", $"{Url(endpoints.HealthPort)}/healthz"));
            if (endpoints.ApiPort is { } api)
            {
                variables.Add(("API_URL", Url(api)));
            }
        }

        return variables;
    }

    private static string EnvFile(IEnumerable<(string Name, string Value)> variables) =>
        "# Written by the playground at start-up: `source` it to point kubectl at the playground and to get the URLs and tokens.\n"
        + string.Concat(variables.Select(v => $"export {v.Name}='{v.Value}'\n"));

    private static string Url(int port) => $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
}
