using System.Text.Json;
using Operator.Benchmarks;

// make bench: the operator (its own process) against the Kubernetes API emulator and the SSM fake; see README.md.
Operator.Runtime.KubernetesModelsJson.Configure();
var options = BenchOptions.Parse(args);
var repo = RepoRoot();
var dll = options.OperatorDll ?? Path.Combine(repo, "src/Operator/bin/Release/net10.0/Operator.dll");
if (!File.Exists(dll))
{
    Console.Error.WriteLine($"operator binary not found at {dll}; build src/Operator -c Release or pass --operator-dll");
    return 2;
}

var output = Path.GetFullPath(Path.Combine(repo, options.Output));
var work = Path.Combine(Path.GetDirectoryName(output)!, "work");
Directory.CreateDirectory(work);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

if (options.FirstSyncs)
{
    var runs = new List<FirstSyncResult>();
    foreach (var (label, binary) in new[] { ("baseline", options.BaselineDll), ("this build", dll) }.Where(b => b.Item2 is not null))
    {
        Console.WriteLine($"== first syncs during a wave of {options.Groups[0]} groups: {label} ({binary}) ...");
        runs.Add(await FirstSyncScenario.RunAsync(options, label == "baseline" ? "baseline" : "this-build", binary!, work, stop.Token));
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(runs, Report.Json), stop.Token);
    }

    Console.WriteLine();
    Console.WriteLine(FirstSyncScenario.Table(runs));
    Console.WriteLine($"JSON: {output}; operator logs: {work}");
    return 0;
}

if (options.Shared)
{
    // Both settings in one run, one after the other on the same machine, so the ratio holds whatever the load.
    var runs = new List<SharedReadResult>();
    foreach (var shared in new[] { false, true })
    {
        Console.WriteLine($"== {options.Groups[0]} groups sharing {options.SharedValues} values, shared reads {(shared ? "on" : "off")} ...");
        runs.Add(await SharedReadScenario.RunAsync(options, shared, dll, work, stop.Token));
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(runs, Report.Json), stop.Token);
    }

    Console.WriteLine();
    Console.WriteLine(SharedReadScenario.Table(runs));
    Console.WriteLine($"JSON: {output}; operator logs: {work}");
    return 0;
}

if (options.Scale)
{
    var steps = new List<ScaleResult>();
    foreach (var n in options.Groups)
    {
        Console.WriteLine($"== scale: {n} groups, {ScaleScenario.Integrations} integrations, {ScaleScenario.Namespaces} namespaces, K={options.Keys[0]}, zero-latency stores ...");
        try
        {
            steps.Add(await ScaleScenario.RunAsync(options, n, dll, work, stop.Token));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException)
        {
            Console.Error.WriteLine($"scale step N={n} failed: {e.Message}");
            break;
        }

        Console.WriteLine(ScaleScenario.Table(steps));
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(steps, Report.Json), stop.Token);
    }

    Console.WriteLine();
    Console.WriteLine(ScaleScenario.Table(steps));
    Console.WriteLine($"JSON: {output}; operator logs: {work}");
    return steps.Count == options.Groups.Count ? 0 : 1;
}

var plan = new List<(int N, int K, bool Limited)>();
if (options.Limited)
{
    plan.AddRange(options.Groups.SelectMany(n => options.Keys.Select(k => (n, k, true))));
}

if (options.Throughput)
{
    plan.AddRange(options.Groups.SelectMany(n => options.Keys.Select(k => (n, k, false))));
}

var results = new List<ScenarioResult>();
var failed = 0;
var variants = options.Variants.Count > 0 ? options.Variants : [OperatorVariant.Default];
foreach (var (n, k, limited, variant) in plan.SelectMany(p => variants.Select(v => (p.N, p.K, p.Limited, v))))
{
    var binary = variant.Binary is { } path ? Path.GetFullPath(path, repo) : dll;
    Console.WriteLine($"== N={n} K={k} {(limited ? $"{options.Latency.TotalMilliseconds}ms {options.Tps}TPS" : "zero latency, unlimited")} [{variant.Label}: {binary}{string.Concat(variant.Env.Select(e => $" {e.Key}={e.Value}"))}] (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}) ...");
    try
    {
        var result = await Scenario.RunAsync(options, n, k, limited, variant, binary, work, stop.Token);
        results.Add(result);
        Console.WriteLine(Report.Detail(result));
    }
    catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException)
    {
        failed++;
        Console.Error.WriteLine($"scenario N={n} K={k} failed: {e.Message}");
    }

    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(results, Report.Json), stop.Token);
}

Console.WriteLine();
Console.WriteLine(Report.Table(results));
Console.WriteLine(Report.Slopes(results));
Console.WriteLine($"JSON: {output}; operator logs: {work}");
return failed == 0 ? 0 : 1;

static string RepoRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
            {
                return dir.FullName;
            }
        }
    }

    return Directory.GetCurrentDirectory();
}
