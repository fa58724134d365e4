using k8s.Models;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Tests.Controllers;

public sealed class GroupPlanTests
{
    private static readonly IntegrationFqn Integration = new("acme", new Provider("kubernetes"), "local", "k8s");

    internal sealed class PathOnlyStore : ISecretStore
    {
        public StoreCapabilities Capabilities { get; } = new(10, true, 1024);

        public string DefaultPath(GroupFqn group, string key) => $"{group.Tenant}.{group.Group}/{key}";

        public Task<IReadOnlyDictionary<string, StoreValue>> ReadManyAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<StoreValue?> ReadAsync(string path, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<string?> WriteAsync(string path, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task DeleteAsync(string path, CancellationToken cancellationToken) => throw new NotSupportedException();


        public Task<StoreValue?> ReadVersionAsync(string path, string version, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ValidateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static SecretGroup Group(params SecretKeySpec[] keys) => new()
    {
        Metadata = new V1ObjectMeta { Name = "g", NamespaceProperty = "ns" },
        Spec = new SecretGroupSpec { IntegrationFqn = Integration.ToString(), Secrets = keys },
    };

    [Fact]
    public void KeyStartingWithDotDot_IsRefused_SayingWhy()
    {
        var (_, error) = GroupPlan.Build(Group(new SecretKeySpec { Key = "..data" }), Integration, new PathOnlyStore(), "acme");

        Assert.Equal("InvalidSpec", error?.Reason);
        Assert.Equal("spec.secrets[0].key: key '..data' must not start with '..': Kubernetes refuses such Secret keys (the kubelet keeps '..data' in Secret volumes)", error?.Message);
    }

    [Fact]
    public void KeyWithoutRemoteRef_ReadsTheDefaultPath()
    {
        var (sources, error) = GroupPlan.Build(Group(new SecretKeySpec { Key = "A" }), Integration, new PathOnlyStore(), "acme");
        Assert.Null(error);
        Assert.Equal("acme.g/A", Assert.Single(sources).Path);
        Assert.Equal("acme:kubernetes:local:secret-store:k8s::acme.g/A", sources[0].RemoteRef);
    }

    [Fact]
    public void FullReferenceToTheSameIntegration_ReadsItsPath()
    {
        var (sources, error) = GroupPlan.Build(Group(new SecretKeySpec { Key = "A", RemoteRef = $"{Integration}::other/B" }), Integration, new PathOnlyStore(), "acme");
        Assert.Null(error);
        Assert.Equal("other/B", Assert.Single(sources).Path);
    }

    [Fact]
    public void K8sSecretReference_IsRefusedInAGroup()
    {
        var (_, error) = GroupPlan.Build(Group(new SecretKeySpec { Key = "A", RemoteRef = "tfy-k8s-secret://AWS_SECRET" }), Integration, new PathOnlyStore(), "acme");
        Assert.Equal("InvalidReference", error!.Reason);
        Assert.Equal("spec.secrets[0].remoteRef: tfy-k8s-secret:// references are only allowed in SecretStoreIntegration fields", error.Message);
    }

    [Fact]
    public void DuplicateKey_IsNamed()
    {
        var (_, error) = GroupPlan.Build(Group(new SecretKeySpec { Key = "A" }, new SecretKeySpec { Key = "A" }), Integration, new PathOnlyStore(), "acme");
        Assert.Equal("spec.secrets[1].key: 'A' appears more than once", error!.Message);
    }

    [Fact]
    public void BadIntegrationInReference_NamesTheField()
    {
        var (_, error) = GroupPlan.Build(Group(new SecretKeySpec { Key = "A", RemoteRef = "acme:awz:p:secret-store:x::/p" }), Integration, new PathOnlyStore(), "acme");
        Assert.Equal("InvalidReference", error!.Reason);
        Assert.Contains("spec.secrets[0].remoteRef", error.Message, StringComparison.Ordinal);
        Assert.Contains("awz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferenceToAnotherIntegration_IsRefused()
    {
        var (_, error) = GroupPlan.Build(Group(new SecretKeySpec { Key = "A", RemoteRef = "acme:aws:p:secret-store:x::/p" }), Integration, new PathOnlyStore(), "acme");
        Assert.Equal("InvalidReference", error!.Reason);
    }

    [Fact]
    public void KeysMappingToOnePath_AreRefusedNamingBoth()
    {
        var (_, error) = GroupPlan.Build(
            Group(new SecretKeySpec { Key = "A", RemoteRef = "same/path" }, new SecretKeySpec { Key = "B", RemoteRef = "same/path" }), Integration, new PathOnlyStore(), "acme");
        Assert.Equal("KeyCollision", error!.Reason);
        Assert.Contains("'A', 'B'", error.Message, StringComparison.Ordinal);
    }
}
