
namespace Operator.IntegrationTests;

/// <summary>Values are bytes: DER keys, keystores and keytabs arrive in the managed Secret byte for byte.</summary>
public sealed class BinaryValueTests
{
    private const string Ns = "team-bin";

    /// <summary>A DER prefix, an invalid UTF-8 byte, a NUL and a lone lead byte: no text encoding survives these.</summary>
    private static readonly byte[] Der = [0x30, 0x82, 0xFF, 0x00, 0xC3];

    [Fact]
    public async Task BuiltInStore_AndAnAliasOfIt_KeepBinaryValuesExact()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await TestClients.UpsertSecretAsync(h.Client, OperatorHarness.SourceNamespace, $"{h.Tenant}.keystore", new Dictionary<string, byte[]> { ["DER"] = Der, ["TEXT"] = "h\u00e9llo"u8.ToArray() });
        await h.CreateIntegrationAsync();
        await h.CreateGroupAsync(Ns, "keystore", ["DER", "TEXT"]);
        await h.CreateGroupAsync(Ns, "copy", ["DER_COPY"], g => g.Spec.Secrets![0].RemoteRef = $"tfy-secret://{h.Tenant}:keystore:DER");

        await h.WaitForGroupAsync(Ns, "keystore", "True", "Synced");
        var secret = (await h.GetSecretAsync(Ns, "keystore"))!;
        Assert.Equal(Der, secret.Data["DER"]);
        Assert.Equal("h\u00e9llo"u8.ToArray(), secret.Data["TEXT"]);

        // An alias reconciled before its source synced backs off on the fake clock; let that backoff pass.
        await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        await h.WaitForGroupAsync(Ns, "copy", "True", "Synced");
        Assert.Equal(Der, (await h.GetSecretAsync(Ns, "copy"))!.Data["DER_COPY"]);
    }
}
