using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Testing.Kube;

namespace Operator.Testing.Tests;

/// <summary>
/// Lists in chunks as kube-apiserver serves them (API concepts, "Retrieving large results sets in chunks"): limit,
/// metadata.continue, remainingItemCount, one consistent snapshot across pages, 410 Expired and 400 for bad tokens.
/// </summary>
public sealed class ListChunkingTests
{
    [Fact]
    public async Task List_WithLimit_PagesThroughOneSnapshot_WhateverChangesMeanwhile()
    {
        await using var kube = await TestKube.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await kube.CreateSecretAsync($"s{i}");
        }

        var first = await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, limit: 2, cancellationToken: TestKube.Ct);

        // Changes after the first page: none of them shows on the later pages (etcd serves them at the first page's revision).
        await kube.Client.CoreV1.DeleteNamespacedSecretAsync("s3", kube.Namespace, cancellationToken: TestKube.Ct);
        await kube.CreateSecretAsync("s5");
        await kube.Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"metadata":{"labels":{"late":"yes"}}}""", V1Patch.PatchType.MergePatch), "s4", kube.Namespace, cancellationToken: TestKube.Ct);

        var second = await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, limit: 2, continueParameter: first.Metadata.ContinueProperty, cancellationToken: TestKube.Ct);
        var third = await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, limit: 2, continueParameter: second.Metadata.ContinueProperty, cancellationToken: TestKube.Ct);

        Assert.Equal(["s0", "s1"], first.Items.Select(s => s.Metadata.Name));
        Assert.Equal(3, first.Metadata.RemainingItemCount);
        Assert.Equal(["s2", "s3"], second.Items.Select(s => s.Metadata.Name));
        Assert.Equal(1, second.Metadata.RemainingItemCount);
        Assert.Equal(["s4"], third.Items.Select(s => s.Metadata.Name));
        Assert.Null(third.Items[0].Metadata.Labels);
        Assert.Null(third.Metadata.ContinueProperty);
        Assert.Null(third.Metadata.RemainingItemCount);
        Assert.All([second, third], page => Assert.Equal(first.Metadata.ResourceVersion, page.Metadata.ResourceVersion));

        var fresh = await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal(["s0", "s1", "s2", "s4", "s5"], fresh.Items.Select(s => s.Metadata.Name));
        Assert.Null(fresh.Metadata.ContinueProperty);
    }

    [Fact]
    public async Task List_WithLimitAndSelector_PagesMatchesOnly_WithoutRemainingCount()
    {
        await using var kube = await TestKube.StartAsync();
        for (var i = 0; i < 6; i++)
        {
            await kube.CreateSecretAsync($"s{i}", new Dictionary<string, string> { ["even"] = (i % 2 == 0).ToString() });
        }

        var first = await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, labelSelector: "even=True", limit: 2, cancellationToken: TestKube.Ct);
        var second = await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, labelSelector: "even=True", limit: 2, continueParameter: first.Metadata.ContinueProperty, cancellationToken: TestKube.Ct);

        Assert.Equal(["s0", "s2"], first.Items.Select(s => s.Metadata.Name));
        Assert.Null(first.Metadata.RemainingItemCount);
        Assert.Equal(["s4"], second.Items.Select(s => s.Metadata.Name));
        Assert.Null(second.Metadata.ContinueProperty);
    }

    [Fact]
    public async Task List_WithCompactedContinue_IsGoneExpired_AndMalformedIsBadRequest()
    {
        await using var kube = await TestKube.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await kube.CreateSecretAsync($"s{i}");
        }

        var first = await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, limit: 1, cancellationToken: TestKube.Ct);
        await kube.CreateSecretAsync("later");
        kube.Emulator.CompactHistory();

        var expired = await TestKube.ExpectStatusAsync(HttpStatusCode.Gone, () =>
            kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, limit: 1, continueParameter: first.Metadata.ContinueProperty, cancellationToken: TestKube.Ct));
        Assert.Contains("\"reason\":\"Expired\"", expired.Response.Content, StringComparison.Ordinal);
        Assert.Contains("too old to display a consistent list result", expired.Response.Content, StringComparison.Ordinal);

        var malformed = await TestKube.ExpectStatusAsync(HttpStatusCode.BadRequest, () =>
            kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, limit: 1, continueParameter: "not-a-token", cancellationToken: TestKube.Ct));
        Assert.Contains("invalid continue token", malformed.Response.Content, StringComparison.Ordinal);
    }
}
