using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using k8s;

namespace Operator.Testing.Tests;

public sealed class FaultInjectionTests
{
    [Fact]
    public async Task FailNext_FailsOnlyMatchingRequests_ThenRecovers_WithKubernetesStatusBody()
    {
        await using var kube = await TestKube.StartAsync();
        kube.Emulator.Faults.FailNext(2, 503, r => r.Method == "POST" && r.Path.EndsWith("/secrets"));

        await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct);
        var first = await TestKube.ExpectStatusAsync(HttpStatusCode.ServiceUnavailable, () => kube.CreateSecretAsync("s"));
        await TestKube.ExpectStatusAsync(HttpStatusCode.ServiceUnavailable, () => kube.CreateSecretAsync("s"));
        await kube.CreateSecretAsync("s");

        var status = JsonNode.Parse(first.Response.Content)!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("v1", (string?)status["apiVersion"]);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("ServiceUnavailable", (string?)status["reason"]);
        Assert.Equal(503, (int)status["code"]!);
        Assert.Equal(2, kube.Emulator.Requests.Count(r => r.Method == "POST" && r.StatusCode == 503));
    }

    [Fact]
    public async Task FailShare_FailsAboutThatShare_Repeatably()
    {
        async Task<int> CountFailuresAsync()
        {
            await using var kube = await TestKube.StartAsync();
            kube.Emulator.Faults.FailShare(0.3, 500, seed: 7, r => r.Method == "GET" && r.Path.Contains("/secrets"));
            var failures = 0;
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct);
                }
                catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.InternalServerError)
                {
                    failures++;
                }
            }

            Assert.Equal(failures, kube.Emulator.Requests.Count(r => r.Path.EndsWith("/secrets") && r.StatusCode == 500));
            return failures;
        }

        var first = await CountFailuresAsync();
        Assert.InRange(first, 15, 45);
        Assert.Equal(first, await CountFailuresAsync());
    }

    [Fact]
    public async Task AddLatency_DelaysMatchingRequests()
    {
        await using var kube = await TestKube.StartAsync();
        kube.Emulator.Faults.AddLatency(TimeSpan.FromMilliseconds(200), r => r.Path.EndsWith("/configmaps"));
        var stopwatch = Stopwatch.StartNew();

        await kube.Client.CoreV1.ListNamespacedConfigMapAsync(kube.Namespace, cancellationToken: TestKube.Ct);

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(190), $"took {stopwatch.Elapsed}");
        kube.Emulator.Faults.Clear();
        await kube.CreateSecretAsync("after-clear");
    }

    [Fact]
    public async Task Requests_RecordMethodPathQueryAndStatus()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, labelSelector: "a=b", cancellationToken: TestKube.Ct);
        await TestKube.ExpectStatusAsync(HttpStatusCode.NotFound, () => kube.Client.CoreV1.ReadNamespacedSecretAsync("missing", kube.Namespace, cancellationToken: TestKube.Ct));

        var requests = kube.Emulator.Requests;
        Assert.Contains(requests, r => r.Method == "GET" && r.Path == $"/api/v1/namespaces/{kube.Namespace}/secrets" && r.Query.Contains("labelSelector=a%3Db") && r.StatusCode == 200);
        Assert.Contains(requests, r => r.Path.EndsWith("/secrets/missing") && r.StatusCode == 404);
    }
}
