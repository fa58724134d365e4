using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Testing.Kube;

namespace Operator.Testing.Tests;

/// <summary>An emulator, a client and a fresh namespace for one test.</summary>
internal sealed class TestKube : IAsyncDisposable
{
    private TestKube(KubeApiEmulator emulator, IKubernetes client, string ns)
    {
        Emulator = emulator;
        Client = client;
        Namespace = ns;
    }

    public KubeApiEmulator Emulator { get; }

    public IKubernetes Client { get; }

    public string Namespace { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<TestKube> StartAsync(KubeApiEmulatorOptions? options = null)
    {
        var emulator = await KubeApiEmulator.StartAsync(options, Ct);
        var client = emulator.CreateClient();
        var ns = "test-" + Guid.NewGuid().ToString("N")[..8];
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, cancellationToken: Ct);
        return new TestKube(emulator, client, ns);
    }

    public static V1Secret Secret(string name, IDictionary<string, string>? labels = null, IDictionary<string, string>? stringData = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        StringData = stringData ?? new Dictionary<string, string> { ["key"] = "value" },
    };

    public Task<V1Secret> CreateSecretAsync(string name, IDictionary<string, string>? labels = null) =>
        Client.CoreV1.CreateNamespacedSecretAsync(Secret(name, labels), Namespace, cancellationToken: Ct);

    public static async Task<HttpOperationException> ExpectStatusAsync(HttpStatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(call);
        Assert.True(code == error.Response.StatusCode, $"expected {code}, got {error.Response.StatusCode}: {error.Response.Content}");
        return error;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
    }
}
