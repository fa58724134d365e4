using System.Globalization;

namespace Operator.Playground;

/// <summary>
/// The playground's command line: its own flags (<c>--port</c>, <c>--kubeconfig-out</c>, <c>--no-operator</c>,
/// <c>--no-samples</c>, <c>--no-rbac</c>) and everything else, passed to the operator as written, so
/// <c>make run ARGS="--api-enabled --log-format=json"</c> reaches it. The operator's own parser judges those.
/// </summary>
public static class PlaygroundArgs
{
    /// <summary>Where kubectl talks to the emulator unless <c>--port</c> says otherwise; 0 picks a free port.</summary>
    public const int DefaultPort = 8001;

    public static PlaygroundOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int? port = null;
        string? kubeconfig = null;
        var (withOperator, withSamples, enforceRbac) = (true, true, true);
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = Split(args[i]);
            switch (name)
            {
                case "--port":
                    var text = value ?? (i + 1 < args.Count ? args[++i] : "");
                    port = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535
                        ? p
                        : throw new ArgumentException($"--port: '{text}' is not a port number (0-65535; 0 picks a free port)");
                    break;
                case "--kubeconfig-out":
                    kubeconfig = value ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException("--kubeconfig-out needs a file path"));
                    break;
                case "--no-operator":
                    withOperator = false;
                    break;
                case "--no-samples":
                    withSamples = false;
                    break;
                case "--no-rbac":
                    enforceRbac = false;
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        return new PlaygroundOptions
        {
            Port = port ?? DefaultPort,
            KubeconfigPath = Path.GetFullPath(kubeconfig ?? "playground.kubeconfig"),
            WithOperator = withOperator,
            WithSamples = withSamples,
            EnforceRbac = enforceRbac,
            OperatorArgs = rest,
        };
    }

    /// <summary>
    /// The operator's command line: what the playground needs (tenant <c>default</c> as the samples' FQNs say, no
    /// leader election, the REST API on) and the documented ports when they are free, unless the user's arguments set
    /// them; then the user's arguments. Returns the ports the operator will serve.
    /// </summary>
    public static (IReadOnlyList<string> Args, OperatorEndpoints Endpoints) OperatorCommandLine(IReadOnlyList<string> operatorArgs, Func<int, int> portOrFree)
    {
        ArgumentNullException.ThrowIfNull(operatorArgs);
        ArgumentNullException.ThrowIfNull(portOrFree);
        var defaults = new List<string>();
        string Default(string flag, string value)
        {
            if (!operatorArgs.Any(a => Split(a).Name == flag))
            {
                defaults.Add($"{flag}={value}");
            }

            return operatorArgs.Select(Split).LastOrDefault(a => a.Name == flag) is { Name: not null } given ? given.Value ?? "" : value;
        }

        Default("--tenant", "default");
        Default("--leader-elect", "false");
        Default("--tenant-admins", $"user:{PlaygroundUsers.Admin.Name}");
        var health = Default("--health-port", Text(portOrFree(8081)));
        var metrics = Default("--metrics-port", Text(portOrFree(8080)));
        var apiEnabled = Default("--api-enabled", "true") is "" or "true";
        var api = apiEnabled ? Default("--api-port", Text(portOrFree(8082))) : null;
        var endpoints = new OperatorEndpoints(PortOf(health), PortOf(metrics), api is null ? null : PortOf(api));
        return ([.. defaults, .. operatorArgs], endpoints);
    }

    /// <summary>True when the operator's arguments turn <paramref name="flag"/> on (<c>--flag</c>, <c>--flag=true</c>, <c>--flag true</c>).</summary>
    public static bool IsOn(IReadOnlyList<string> operatorArgs, string flag)
    {
        ArgumentNullException.ThrowIfNull(operatorArgs);
        var on = false;
        for (var i = 0; i < operatorArgs.Count; i++)
        {
            var (name, value) = Split(operatorArgs[i]);
            if (name == flag)
            {
                value ??= i + 1 < operatorArgs.Count && !operatorArgs[i + 1].StartsWith("--", StringComparison.Ordinal) ? operatorArgs[i + 1] : "true";
                on = string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
            }
        }

        return on;
    }

    /// <summary><paramref name="port"/> when nothing listens on it on 127.0.0.1, else a free one: two playgrounds can run side by side.</summary>
    public static int PortOrFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return port;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return Operator.Testing.LoopbackPorts.Free();
        }
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>A port as the user wrote it; one the operator will refuse shows as 0 here and the operator says why.</summary>
    private static int PortOf(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : 0;

    private static (string Name, string? Value) Split(string arg)
    {
        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? (arg, null) : (arg[..eq], arg[(eq + 1)..]);
    }
}

/// <summary>Where the operator in the playground answers: health, metrics, and the REST API when it is on.</summary>
public sealed record OperatorEndpoints(int HealthPort, int MetricsPort, int? ApiPort);
