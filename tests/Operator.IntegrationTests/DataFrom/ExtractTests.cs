using System.Text;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.DataFrom;

/// <summary>spec.dataFrom[].extract through the built-in store, against the emulator: a JSON object value becomes keys.</summary>
public sealed class ExtractTests
{
    private const string Ns = "team-extract";

    private static string Text(V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    private static V1Condition Ready(SecretGroup g) => g.Status!.Conditions!.Single(c => c.Type == "Ready");

    [Fact]
    public async Task Extract_ExpandsTheObject_RewritesNames_SecretsWin_AndBadValuesLeaveTheSecretAlone()
    {
        await using var h = await OperatorHarness.StartWithIntegrationAsync(Ns);
        const string config = """{"db-user":"alice","db-pass":"s3cr\u00e9t","port":5432,"nested":{"a":[1,2]},"flag":true,"nil":null}""";
        await h.SetSourceValuesAsync("app", new Dictionary<string, string> { ["CONFIG"] = config, ["port"] = "6543" });
        await h.CreateGroupAsync(Ns, "app", ["port"], g =>
        {
            g.Spec.RefreshInterval = "10s";
            g.Spec.DataFrom = [new DataFromSpec
            {
                Extract = new ExtractSpec { Key = "CONFIG" },
                Rewrite = [new RewriteSpec { Regexp = new RewriteRegexpSpec { Source = "^db-(?<rest>.*)$", Target = "DB_${rest}" } }],
            }];
        });

        var synced = await h.WaitForGroupAsync(Ns, "app", "True", "Synced");
        var secret = (await h.GetSecretAsync(Ns, "app"))!;
        Assert.Equal(["DB_pass", "DB_user", "flag", "nested", "nil", "port"], secret.Data.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("alice", "s3cr\u00e9t", "true", "null"), (Text(secret, "DB_user"), Text(secret, "DB_pass"), Text(secret, "flag"), Text(secret, "nil")));
        Assert.Equal("""{"a":[1,2]}""", Text(secret, "nested"));
        Assert.Equal("6543", Text(secret, "port"));
        Assert.Equal(6, synced.Status!.KeyCount);
        var user = synced.Status.Secrets!.Single(k => k.Key == "DB_user");
        Assert.Equal(("spec.dataFrom[0].extract", $"{h.FqnOf()}::{h.Tenant}.app/CONFIG"), (user.From, user.RemoteRef));
        var shadowed = synced.Status.Conditions!.Single(c => c.Type == "KeysShadowed");
        Assert.Equal(("True", "KeyCollision"), (shadowed.Status, shadowed.Reason));
        Assert.StartsWith("key 'port' of spec.dataFrom[0].extract is shadowed by spec.secrets", shadowed.Message, StringComparison.Ordinal);

        // Not an object: the Secret keeps its data, the condition names the field and never shows the value.
        await h.SetSourceValuesAsync("app", new Dictionary<string, string> { ["CONFIG"] = """["hunter2"]""", ["port"] = "6543" });
        await h.AdvanceAsync(TimeSpan.FromSeconds(11));
        var array = Ready(await h.WaitForGroupAsync(Ns, "app", "False", "InvalidExtract"));
        Assert.Contains($"spec.dataFrom[0].extract: the value of '{h.FqnOf()}::{h.Tenant}.app/CONFIG' is JSON an array, not an object", array.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", array.Message, StringComparison.Ordinal);

        await h.SetSourceValuesAsync("app", new Dictionary<string, string> { ["CONFIG"] = "{\"a\": hunter2}", ["port"] = "6543" });
        await h.AdvanceAsync(TimeSpan.FromSeconds(30));
        var broken = Ready(await h.WaitForGroupAsync(Ns, "app", "False", "InvalidExtract", g => Ready(g).Message.Contains("not valid JSON", StringComparison.Ordinal)));
        Assert.Contains("is not valid JSON (line 1, byte 7)", broken.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", broken.Message, StringComparison.Ordinal);

        // A name that is no Secret key after the rewrites names the rewrite.
        await h.SetSourceValuesAsync("app", new Dictionary<string, string> { ["CONFIG"] = """{"db-bad name":"x"}""", ["port"] = "6543" });
        await h.AdvanceAsync(TimeSpan.FromSeconds(30));
        var badKey = Ready(await h.WaitForGroupAsync(Ns, "app", "False", "InvalidKeyName"));
        Assert.StartsWith("spec.dataFrom[0].rewrite: key 'DB_bad name' (from 'db-bad name') is not a valid Secret key", badKey.Message, StringComparison.Ordinal);
        Assert.Equal(secret.Data, (await h.GetSecretAsync(Ns, "app"))!.Data);

        // Fixed in the store: synced again; the clash is gone once spec.secrets no longer names port.
        await h.SetSourceValuesAsync("app", new Dictionary<string, string> { ["CONFIG"] = """{"db-user":"bob"}""", ["port"] = "6543" });
        await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "app"), g => g.Spec.Secrets = []);
        var fixedGroup = await h.WaitForGroupAsync(Ns, "app", "True", "Synced", g => g.Status?.ObservedGeneration == 2);
        Assert.Equal(["DB_user"], (await h.GetSecretAsync(Ns, "app"))!.Data.Keys);
        Assert.Equal("bob", Text((await h.GetSecretAsync(Ns, "app"))!, "DB_user"));
        Assert.DoesNotContain(fixedGroup.Status!.Conditions!, c => c.Type == "KeysShadowed");
    }

    [Fact]
    public async Task LaterDataFromEntryWins_AndTheConditionSaysWhichShadowedWhich()
    {
        await using var h = await OperatorHarness.StartWithIntegrationAsync(Ns);
        await h.SetSourceValuesAsync("two", new Dictionary<string, string> { ["A"] = """{"user":"first","only-a":"1"}""", ["B"] = """{"user":"second"}""" });
        await h.CreateGroupAsync(Ns, "two", [], g => g.Spec.DataFrom =
        [
            new DataFromSpec { Extract = new ExtractSpec { Key = "A" } },
            new DataFromSpec { Extract = new ExtractSpec { Key = "B" } },
        ]);

        var group = await h.WaitForGroupAsync(Ns, "two", "True", "Synced");
        var secret = (await h.GetSecretAsync(Ns, "two"))!;
        Assert.Equal(("second", "1"), (Text(secret, "user"), Text(secret, "only-a")));
        Assert.Equal(2, group.Status!.KeyCount);
        Assert.Equal("spec.dataFrom[1].extract", group.Status.Secrets!.Single(k => k.Key == "user").From);
        Assert.StartsWith("key 'user' of spec.dataFrom[0].extract is shadowed by spec.dataFrom[1].extract", group.Status.Conditions!.Single(c => c.Type == "KeysShadowed").Message, StringComparison.Ordinal);
    }
}
