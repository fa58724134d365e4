using System.Net;
using k8s;

namespace Operator.IntegrationTests.Api;

/// <summary>A group of the access matrix: created by the tenant admin with keys K and L holding canary values.</summary>
internal sealed class MatrixGroup
{
    private MatrixGroup(string name, string id, string k, string l)
    {
        Name = name;
        Id = id;
        K = k;
        L = l;
    }

    public string Name { get; }

    public string Id { get; }

    public string K { get; }

    public string L { get; }

    /// <summary>The store's current version of K.</summary>
    public string Version { get; private set; } = "";

    public static async Task<MatrixGroup> CreateAsync(ApiFixture f, string name, List<string> canaries)
    {
        var id = await f.CreateAsync(name);
        var group = new MatrixGroup(name, id, $"canary-matrix-{name}-K-{Guid.NewGuid():N}", $"canary-matrix-{name}-L-{Guid.NewGuid():N}");
        canaries.AddRange([group.K, group.L]);
        var (status, body) = await f.SetAsync(id, f.Admin, ("K", group.K), ("L", group.L));
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        return group;
    }

    public async Task ReadVersionAsync(ApiFixture f)
    {
        var (status, body) = await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{Id}:K", f.Admin);
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        Version = (string)body!["version"]!;
    }
}

/// <summary>What a user sees of a group: its spec (null generation: gone or going), its store values, its managed Secret.</summary>
internal sealed record MatrixState(long? Generation, string Spec, string Store, string? StoreVersion, string Managed)
{
    public static async Task<MatrixState> ReadAsync(ApiFixture f, string name)
    {
        var group = await f.H.GetGroupAsync(ApiFixture.Ns, name);
        var gone = group is null || group.Metadata.DeletionTimestamp is not null;
        var store = await f.StoreValuesAsync(name);
        var managed = await f.H.GetSecretAsync(ApiFixture.Ns, name);
        return new MatrixState(
            gone ? null : group!.Metadata.Generation,
            gone ? "" : KubernetesJson.Serialize(group!.Spec),
            Join(store),
            await f.StoreVersionAsync(name),
            Join(managed?.Data?.ToDictionary(p => p.Key, p => System.Text.Encoding.UTF8.GetString(p.Value)) ?? []));
    }

    private static string Join(Dictionary<string, string> values) => string.Join(",", values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
