using System.Diagnostics;
using Operator.Testing.Kube;

namespace Operator.Testing.Tests;

/// <summary>Drives the real kubectl binary against the emulator: discovery, apply, tables, get/list/delete.</summary>
public sealed class KubectlConformanceTests : IDisposable
{
    private const string Kubectl = "/usr/bin/kubectl";
    private readonly string _dir = Directory.CreateTempSubdirectory("kubectl-emulator-").FullName;

    [Fact]
    public async Task Kubectl_AppliesCrd_AndManagesCustomObjectsAndSecrets()
    {
        if (!File.Exists(Kubectl))
        {
            Assert.Skip($"kubectl is not installed at {Kubectl}");
        }

        await using var emulator = await KubeApiEmulator.StartAsync(cancellationToken: TestKube.Ct);
        var kubeconfig = Path.Combine(_dir, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, emulator.KubeconfigYaml(), TestKube.Ct);
        await File.WriteAllTextAsync(Path.Combine(_dir, "crd.yaml"), Widgets.CrdYaml, TestKube.Ct);
        await File.WriteAllTextAsync(Path.Combine(_dir, "objects.yaml"), """
            apiVersion: v1
            kind: Namespace
            metadata: {name: kubectl-test}
            ---
            apiVersion: test.example.com/v1
            kind: Widget
            metadata: {name: primary, namespace: kubectl-test}
            spec: {target: orders-db}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: creds, namespace: kubectl-test, labels: {app: demo}}
            stringData: {password: hunter2}
            """, TestKube.Ct);

        // The emulator serves no OpenAPI documents, so client-side validation is off.
        await KubectlAsync(kubeconfig, "apply", "--validate=false", "-f", "crd.yaml");
        await KubectlAsync(kubeconfig, "apply", "--validate=false", "-f", "objects.yaml");

        var table = await KubectlAsync(kubeconfig, "get", "widgets", "-n", "kubectl-test");
        Assert.Matches(@"NAME\s+TARGET\s+READY\s+AGE", table);
        Assert.Matches(@"primary\s+orders-db", table);
        Assert.Contains("primary", await KubectlAsync(kubeconfig, "get", "wd", "-A"));
        Assert.Equal("orders-db", await KubectlAsync(kubeconfig, "get", "widget", "primary", "-n", "kubectl-test", "-o", "jsonpath={.spec.target}"));
        Assert.Equal("aHVudGVyMg==", await KubectlAsync(kubeconfig, "get", "secret", "creds", "-n", "kubectl-test", "-o", "jsonpath={.data.password}"));
        Assert.Matches(@"creds\s+\d+s", await KubectlAsync(kubeconfig, "get", "secrets", "-l", "app=demo", "-n", "kubectl-test"));

        await KubectlAsync(kubeconfig, "delete", "widget", "primary", "-n", "kubectl-test");
        await KubectlAsync(kubeconfig, "delete", "secret", "creds", "-n", "kubectl-test");
        Assert.DoesNotContain("creds", await KubectlAsync(kubeconfig, "get", "secrets", "-n", "kubectl-test"));
        Assert.DoesNotContain("primary", await KubectlAsync(kubeconfig, "get", "widgets", "-n", "kubectl-test"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> KubectlAsync(string kubeconfig, params string[] args)
    {
        var start = new ProcessStartInfo(Kubectl)
        {
            WorkingDirectory = _dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(_dir, "cache") }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestKube.Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }
}
