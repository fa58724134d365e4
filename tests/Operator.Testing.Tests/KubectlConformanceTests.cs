namespace Operator.Testing.Tests;

/// <summary>Drives the real kubectl binary against the emulator, validation on: discovery, apply, tables, get/list/delete.</summary>
public sealed class KubectlConformanceTests
{
    [Fact]
    public async Task Kubectl_AppliesCrd_AndManagesCustomObjectsAndSecrets()
    {
        await using var kube = await TestKube.StartAsync();
        using var kubectl = await Kubectl.ForAsync(kube.Emulator);
        await kubectl.WriteAsync("crd.yaml", Widgets.CrdYaml);
        await kubectl.WriteAsync("objects.yaml", """
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
            """);

        await kubectl.RunAsync("apply", "-f", "crd.yaml");
        await kubectl.RunAsync("apply", "-f", "objects.yaml");

        var table = await kubectl.RunAsync("get", "widgets", "-n", "kubectl-test");
        Assert.Matches(@"NAME\s+TARGET\s+READY\s+AGE", table);
        Assert.Matches(@"primary\s+orders-db", table);
        Assert.Contains("primary", await kubectl.RunAsync("get", "wd", "-A"));
        Assert.Equal("orders-db", await kubectl.RunAsync("get", "widget", "primary", "-n", "kubectl-test", "-o", "jsonpath={.spec.target}"));
        Assert.Equal("aHVudGVyMg==", await kubectl.RunAsync("get", "secret", "creds", "-n", "kubectl-test", "-o", "jsonpath={.data.password}"));
        // kube-apiserver's Secret printer: NAME TYPE DATA AGE (pkg/printers/internalversion/printers.go).
        Assert.Matches(@"^NAME\s+TYPE\s+DATA\s+AGE\ncreds\s+Opaque\s+1\s+\d+s", await kubectl.RunAsync("get", "secrets", "-l", "app=demo", "-n", "kubectl-test"));
        Assert.Matches(@"^NAME\s+STATUS\s+AGE\nkubectl-test\s+Active\s+\d+s", await kubectl.RunAsync("get", "namespace", "kubectl-test"));

        await kubectl.RunAsync("delete", "widget", "primary", "-n", "kubectl-test");
        await kubectl.RunAsync("delete", "secret", "creds", "-n", "kubectl-test");
        Assert.DoesNotContain("creds", await kubectl.RunAsync("get", "secrets", "-n", "kubectl-test"));
        Assert.DoesNotContain("primary", await kubectl.RunAsync("get", "widgets", "-n", "kubectl-test"));
    }

    [Fact]
    public async Task Kubectl_AppliesClientAndServerSide_AndCreates_WithValidationOn()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        using var kubectl = await Kubectl.ForAsync(kube.Emulator);
        await kubectl.WriteAsync("widget.yaml", $$"""
            apiVersion: test.example.com/v1
            kind: Widget
            metadata: {name: w, namespace: {{kube.Namespace}}}
            spec: {target: first}
            """);
        await kubectl.WriteAsync("map.yaml", $$"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: m, namespace: {{kube.Namespace}}}
            data: {a: "1"}
            """);

        Assert.Contains("widget.test.example.com/w created", await kubectl.RunAsync("apply", "-f", "widget.yaml"));
        await kubectl.WriteAsync("widget.yaml", (await File.ReadAllTextAsync(Path.Combine(kubectl.Dir, "widget.yaml"), TestKube.Ct)).Replace("first", "second"));
        Assert.Contains("widget.test.example.com/w configured", await kubectl.RunAsync("apply", "-f", "widget.yaml"));
        Assert.Contains("configmap/m created", await kubectl.RunAsync("create", "-f", "map.yaml"));
        Assert.Contains("configmap/m configured", await kubectl.RunAsync("apply", "-f", "map.yaml"));
        Assert.Contains("serverside-applied", await kubectl.RunAsync("apply", "--server-side", "-f", "widget.yaml"));

        Assert.Equal("second", await kubectl.RunAsync("get", "widget", "w", "-n", kube.Namespace, "-o", "jsonpath={.spec.target}"));
        Assert.Equal("1", await kubectl.RunAsync("get", "configmap", "m", "-n", kube.Namespace, "-o", "jsonpath={.data.a}"));
    }
}
