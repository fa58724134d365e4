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
        var caFile = Path.Combine(Path.GetDirectoryName(options.KubeconfigPath)!, CaFileName);
        if (playground.ApiCaPem is { } ca)
        {
            await File.WriteAllTextAsync(caFile, ca, cancellationToken);
        }

        var variables = Variables(options, playground, caFile);
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
            lines.Add(playground.ApiUrl is { } api
                ? $"  REST API        {Base(api)}/v1/secret-groups{(playground.ApiCaPem is null ? " (plain HTTP: --api-insecure-http)" : $" (TLS; its CA: {caFile})")}"
                : "  REST API        off (--api-enabled=false)");
        }

        lines.AddRange(samples.Select((s, i) => (i == 0 ? "  samples         " : "                  ") + s));
        lines.Add("Users (kubectl --token=$<NAME>_TOKEN; REST API: -H \"X-Api-Key: $<NAME>_API_KEY\"; they die with the playground):");
        foreach (var u in PlaygroundUsers.All)
        {
            lines.Add($"  {u.Name,-7} {u.Role}");
            lines.Add($"          {u.EnvironmentVariable}={u.Token}");
            if (playground.ApiUrl is not null)
            {
                lines.Add($"          {u.ApiKeyVariable}={u.ApiKey}");
            }
        }

        lines.Add("");
        lines.Add("Try, in another terminal:");
        lines.Add($"  source {envFile}");
        lines.Add("  kubectl get sg -A");
        lines.Add("  kubectl describe sg -n team-a openai-keys");
        lines.Add("  kubectl --token=$EDITOR_TOKEN get secret -n team-a openai-keys");
        if (playground.ApiUrl is not null)
        {
            lines.Add($"  curl {(playground.ApiCaPem is null ? "" : "--cacert $API_CA ")}-H \"X-Api-Key: $VIEWER_API_KEY\" $API_URL/v1/secret-groups");
        }

        lines.Add("Stop with Ctrl-C; nothing is kept, the next start begins from config/samples again.");
        foreach (var line in lines)
        {
            await output.WriteLineAsync(line);
        }

        await output.FlushAsync(cancellationToken);
    }

    /// <summary>The REST API's CA, written next to the kubeconfig when the API serves TLS (its default).</summary>
    public const string CaFileName = "playground-ca.crt";

    private static List<(string Name, string Value)> Variables(PlaygroundOptions options, Playground playground, string caFile)
    {
        var endpoints = playground.Endpoints;
        var variables = new List<(string Name, string Value)> { ("KUBECONFIG", options.KubeconfigPath) };
        variables.AddRange(PlaygroundUsers.All.Select(u => (u.EnvironmentVariable, u.Token)));
        if (playground.ApiUrl is not null)
        {
            variables.AddRange(PlaygroundUsers.All.Select(u => (u.ApiKeyVariable, u.ApiKey)));
        }

        if (endpoints is not null)
        {
            variables.Add(("METRICS_URL", $"{Url(endpoints.MetricsPort)}/metrics"));
            variables.Add(("HEALTH_URL", $"{Url(endpoints.HealthPort)}/healthz"));
            if (playground.ApiUrl is { } api)
            {
                variables.Add(("API_URL", Base(api)));
            }

            if (playground.ApiCaPem is not null)
            {
                variables.Add(("API_CA", caFile));
            }
        }

        return variables;
    }

    private static string EnvFile(IEnumerable<(string Name, string Value)> variables) =>
        "# Written by the playground at start-up: `source` it to point kubectl at the playground and to get the URLs and tokens.\n"
        + string.Concat(variables.Select(v => $"export {v.Name}='{v.Value}'\n"));

    private static string Base(Uri api) => api.ToString().TrimEnd('/');

    private static string Url(int port) => $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
}
