using System.Net;
using k8s;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Api;

public sealed class SecretValuesApiTests
{
    private const string CanaryA = "canary-A-7f3e1c";
    private const string CanaryB = "canary-B-91d0aa";
    private const string CanaryA2 = "canary-A2-55b2e0";
    private const string CanaryA3 = "canary-A3-c4d8f1";
    private const string CanaryBad = "canary-bad-0e9d3b";

    [Fact]
    public async Task ValuesGoToTheStore_ReachTheManagedSecret_AndNeverAppearInResponsesLogsOrEvents()
    {
        await using var f = await ApiFixture.StartAsync();
        var (status, created) = await f.SendAsync(HttpMethod.Put, "/v1/secret-groups", f.Admin, ApiFixture.Manifest("payments"));
        Assert.Equal(HttpStatusCode.OK, status);
        var id = (string)created!["id"]!;
        Assert.Equal("acme:payments", (string?)created["fqn"]);
        Assert.Equal("acme", (string?)created["tenantName"]);
        Assert.Equal(f.H.FqnOf(), (string?)created["integrationId"]);
        Assert.Equal("secret-group", (string?)created["manifest"]!["type"]);
        Assert.Equal(3, created["manifest"]!["collaborators"]!.AsArray().Count);
        Assert.Empty(created["associatedSecrets"]!.AsArray());
        var cr = await f.H.GetGroupAsync(ApiFixture.Ns, "payments");
        Assert.Equal(id, cr!.Metadata.Uid);
        Assert.Equal(f.H.FqnOf(), cr.Spec.IntegrationFqn);
        Assert.Equal(ApiFixture.AliceSubject, cr.Spec.Collaborators![0].Subject);

        // Editor sets two values: they land in the store, the CR lists the keys only.
        var (setStatus, set) = await f.SetAsync(id, f.Bob, ("A", CanaryA), ("B", CanaryB));
        Assert.Equal(HttpStatusCode.OK, setStatus);
        var secrets = set!["associatedSecrets"]!.AsArray();
        Assert.Equal(["A", "B"], secrets.Select(s => (string)s!["name"]!));
        Assert.Equal($"{id}:A", (string?)secrets[0]!["id"]);
        Assert.Equal("tfy-secret://acme:payments:A", (string?)secrets[0]!["fqn"]);
        Assert.Equal(id, (string?)secrets[0]!["secretGroupId"]);
        Assert.Equal(new Dictionary<string, string> { ["A"] = CanaryA, ["B"] = CanaryB }, await f.StoreValuesAsync("payments"));
        var spec = (await f.H.GetGroupAsync(ApiFixture.Ns, "payments"))!.Spec.Secrets!;
        Assert.Equal(["A", "B"], spec.Select(s => s.Key));
        Assert.All(spec, s => Assert.Null(s.RemoteRef));
        await f.WaitForManagedAsync("payments", new() { ["A"] = CanaryA, ["B"] = CanaryB });

        // Unchanged value and a key without value: nothing is rewritten, B keeps its value.
        var version = await f.StoreVersionAsync("payments");
        Assert.Equal(HttpStatusCode.OK, (await f.SetAsync(id, f.Bob, ("A", CanaryA), ("B", null))).Status);
        Assert.Equal(version, await f.StoreVersionAsync("payments"));
        Assert.Equal(CanaryB, (await f.StoreValuesAsync("payments"))["B"]);

        // New value under the same keys: a new version in the store and a re-sync without a spec change.
        var generation = (await f.H.GetGroupAsync(ApiFixture.Ns, "payments"))!.Metadata.Generation;
        Assert.Equal(HttpStatusCode.OK, (await f.SetAsync(id, f.Bob, ("A", CanaryA2), ("B", null))).Status);
        Assert.NotEqual(version, await f.StoreVersionAsync("payments"));
        Assert.Equal(generation, (await f.H.GetGroupAsync(ApiFixture.Ns, "payments"))!.Metadata.Generation);
        await f.WaitForManagedAsync("payments", new() { ["A"] = CanaryA2, ["B"] = CanaryB });

        // B left out: only with the version the list was based on; B leaves spec.secrets and, after the sync, the managed
        // Secret, while the store keeps its value (the integration's deletionPolicy is Retain by default).
        ApiFixture.AssertError(HttpStatusCode.PreconditionRequired, await f.SetAsync(id, f.Bob, ("A", CanaryA3)), "precondition_required", "'B'");
        Assert.Equal(HttpStatusCode.OK, (await f.SetAtAsync(id, f.Bob, await f.VersionAsync(id, f.Bob), ("A", CanaryA3))).Status);
        Assert.Equal(new Dictionary<string, string> { ["A"] = CanaryA3, ["B"] = CanaryB }, await f.StoreValuesAsync("payments"));
        Assert.Equal(["A"], (await f.H.GetGroupAsync(ApiFixture.Ns, "payments"))!.Spec.Secrets!.Select(s => s.Key));
        await f.WaitForManagedAsync("payments", new() { ["A"] = CanaryA3 });

        // A key without value that the group does not have is refused, naming the field; nothing changes.
        version = await f.StoreVersionAsync("payments");
        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SetAsync(id, f.Bob, ("A", CanaryBad), ("C", null)), "validation_failed", "secrets[1].value");
        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SendAsync(HttpMethod.Put, $"/v1/secret-groups/{id}", f.Bob, new { secrets = Array.Empty<object>() }), "validation_failed", "allowEmpty");
        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SetAsync(id, f.Bob, ("bad key", CanaryBad)), "validation_failed", "secrets[0].key");
        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SetAsync(id, f.Bob, ("A", CanaryBad), ("A", CanaryBad)), "validation_failed", "secrets[1].key");
        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SendAsync(HttpMethod.Put, $"/v1/secret-groups/{id}", f.Bob, rawBody: $$"""{"secrets": [{"key": "A", "value": {{CanaryBad}}}]}"""), "validation_failed", "body");
        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SendAsync(HttpMethod.Put, $"/v1/secret-groups/{id}", f.Bob, rawBody: "{}"), "validation_failed", "secrets");
        Assert.Equal(version, await f.StoreVersionAsync("payments"));
        Assert.Equal(["A"], (await f.H.GetGroupAsync(ApiFixture.Ns, "payments"))!.Spec.Secrets!.Select(s => s.Key));

        var (getStatus, got) = await f.SendAsync(HttpMethod.Get, $"/v1/secret-groups/{id}", f.Carol);
        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.Equal(["A"], got!["associatedSecrets"]!.AsArray().Select(s => (string)s!["name"]!));
        await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", f.Admin);

        // Canary: no value in any response, log line, custom resource or Event.
        var events = KubernetesJson.Serialize(await f.H.Client.EventsV1.ListEventForAllNamespacesAsync());
        var crs = KubernetesJson.Serialize(await new ResourceClient<SecretGroup>(f.H.Client).ListAsync(null, null, CancellationToken.None));
        string[] canaries = [CanaryA, CanaryB, CanaryA2, CanaryA3, CanaryBad];
        foreach (var canary in canaries)
        {
            Assert.DoesNotContain(f.Bodies, b => b.Contains(canary, StringComparison.Ordinal));
            Assert.DoesNotContain(f.H.AllLogs(), l => l.Contains(canary, StringComparison.Ordinal));
            Assert.DoesNotContain(canary, events, StringComparison.Ordinal);
            Assert.DoesNotContain(canary, crs, StringComparison.Ordinal);
        }

        Assert.Contains(f.H.AllLogs(), l => l.Contains("values written", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BinaryValues_SetAsBase64_ArriveByteForByte_AndOversizedOrMalformedOnesAreRefusedNamingTheField()
    {
        await using var f = await ApiFixture.StartAsync();
        var id = await f.CreateAsync("keystore");
        byte[] der = [0x30, 0x82, 0xFF, 0x00, 0xC3];
        object Body(params object[] secrets) => new { secrets };

        var (status, _) = await f.SendAsync(HttpMethod.Put, $"/v1/secret-groups/{id}", f.Bob, Body(new { key = "DER", valueBase64 = Convert.ToBase64String(der) }, new { key = "TEXT", value = "h\u00e9llo" }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(der, (await f.H.GetSecretAsync(OperatorHarness.SourceNamespace, $"{f.H.Tenant}.keystore"))!.Data["DER"]);
        await OperatorHarness.WaitForAsync(
            async () => (await f.H.GetSecretAsync(ApiFixture.Ns, "keystore"))?.Data is { } data && data.TryGetValue("DER", out var bytes) && bytes.SequenceEqual(der),
            "the DER value in the managed Secret, byte for byte");
        Assert.Equal("h\u00e9llo"u8.ToArray(), (await f.H.GetSecretAsync(ApiFixture.Ns, "keystore"))!.Data["TEXT"]);

        // The built-in store keeps a group's keys in one Secret, which holds at most 1 MiB of values.
        var version = await f.StoreVersionAsync("keystore");
        var tooLarge = Convert.ToBase64String(new byte[(1024 * 1024) - "h\u00e9llo"u8.Length + 1]);
        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SendAsync(HttpMethod.Put, $"/v1/secret-groups/{id}", f.Bob, Body(new { key = "DER", valueBase64 = tooLarge }, new { key = "TEXT" })), "validation_failed", "secrets[0].valueBase64");
        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SendAsync(HttpMethod.Put, $"/v1/secret-groups/{id}", f.Bob, Body(new { key = "DER", valueBase64 = "not base64!" })), "validation_failed", "secrets[0].valueBase64");
        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SendAsync(HttpMethod.Put, $"/v1/secret-groups/{id}", f.Bob, Body(new { key = "DER", value = "x", valueBase64 = "eA==" })), "validation_failed", "secrets[0].valueBase64");
        Assert.Equal(version, await f.StoreVersionAsync("keystore"));
    }

    [Fact]
    public async Task Delete_RemovesTheGroupAndItsManagedSecret_ButNotTheStoreValues()
    {
        await using var f = await ApiFixture.StartAsync();
        var id = await f.CreateAsync("doomed");
        Assert.Equal(HttpStatusCode.OK, (await f.SetAsync(id, f.Alice, ("K", "v1"))).Status);
        await f.WaitForManagedAsync("doomed", new() { ["K"] = "v1" });

        ApiFixture.AssertError(HttpStatusCode.Forbidden, await f.SendAsync(HttpMethod.Delete, $"/v1/secret-groups/{id}", f.Bob), "forbidden", "secret-group-admin");
        ApiFixture.AssertError(HttpStatusCode.Forbidden, await f.SendAsync(HttpMethod.Delete, $"/v1/secret-groups/{id}", f.Carol), "forbidden");
        Assert.NotNull(await f.H.GetGroupAsync(ApiFixture.Ns, "doomed"));

        Assert.Equal(HttpStatusCode.NoContent, (await f.SendAsync(HttpMethod.Delete, $"/v1/secret-groups/{id}", f.Alice)).Status);
        Assert.Null(await f.H.GetGroupAsync(ApiFixture.Ns, "doomed"));
        await OperatorHarness.WaitForAsync(async () => await f.H.GetSecretAsync(ApiFixture.Ns, "doomed") is null, "managed Secret deleted by owner reference");
        Assert.Equal("v1", (await f.StoreValuesAsync("doomed"))["K"]);
        await OperatorHarness.WaitForAsync(async () => (await f.SendAsync(HttpMethod.Get, $"/v1/secret-groups/{id}", f.Admin)).Status == HttpStatusCode.NotFound, "GET of a deleted group answers 404");
    }
}
