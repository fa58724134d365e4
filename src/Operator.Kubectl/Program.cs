using k8s.Autorest;
using k8s.Exceptions;
using Operator.Kubectl;

// kubectl secretgroup <command>: kubectl finds this executable on PATH by its name (kubectl-secretgroup) and passes
// everything after "secretgroup". Exit codes: 0 done, 1 the cluster or the group said no, 2 a bad command line.
Operator.Runtime.KubernetesModelsJson.Configure();
try
{
    var parsed = PluginArgs.Parse(args);
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };
    return parsed.Command switch
    {
        "status" => await StatusCommand.RunAsync(parsed, Console.Out, cancel.Token).ConfigureAwait(false),
        "sync" => await SyncCommand.RunAsync(parsed, Console.Out, cancel.Token).ConfigureAwait(false),
        "why" => await WhyCommand.RunAsync(parsed, Console.Out, cancel.Token).ConfigureAwait(false),
        "refs" => await RefsCommand.RunAsync(parsed, Console.Out, cancel.Token).ConfigureAwait(false),
        "help" => Usage.Print(Console.Out, 0),
        _ => throw new PluginUsageException($"unknown command '{parsed.Command}'"),
    };
}
catch (PluginUsageException e)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
    return Usage.Print(Console.Error, 2);
}
catch (GroupNotFoundException e)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
    return 1;
}
catch (HttpOperationException e)
{
    await Console.Error.WriteLineAsync($"error: the API server answered {(int)e.Response.StatusCode} {e.Response.ReasonPhrase}: {Cluster.StatusMessage(e)}").ConfigureAwait(false);
    return 1;
}
catch (KubeConfigException e)
{
    await Console.Error.WriteLineAsync($"error: no usable kubeconfig ({e.Message}); set KUBECONFIG or pass --kubeconfig").ConfigureAwait(false);
    return 1;
}
catch (HttpRequestException e)
{
    await Console.Error.WriteLineAsync($"error: cannot reach the API server: {e.Message}").ConfigureAwait(false);
    return 1;
}
