using System.Globalization;
using System.Net;
using Operator.Entities.V1Alpha1;
using Operator.IntegrationTests.Api;
using Operator.Testing.Stores.Aws;
using static Operator.IntegrationTests.Api.ApiStoreVersions;

namespace Operator.IntegrationTests.Stores;

/// <summary>The REST API on an SSM integration: versions, labels, and the API README's curl walk-through (it names one).</summary>
public sealed class SsmApiTests
{
    /// <summary>The integration the API README's curl examples name.</summary>
    private const string ReadmeIntegration = "acme:aws:prod:secret-store:ssm";

    private static async Task<(StoreUnderTest Store, SsmFake Ssm)> StartAsync(string fqn = "acme:aws:local:secret-store:versioned", bool realClock = false)
    {
        var ssm = await SsmFake.StartAsync();
        var store = await StoreUnderTest.StartAsync(
            ssm,
            fqn,
            spec => spec.Aws = new AwsStoreSpec
            {
                Region = "us-east-1",
                Endpoint = ssm.Url,
                StsEndpoint = ssm.Sts.Url,
                Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://AWS_ACCESS_KEY_ID", SecretAccessKey = "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY" },
            },
            h =>
            {
                h.WriteMountedSecret("AWS_ACCESS_KEY_ID", SsmFake.DefaultAccessKeyId);
                h.WriteMountedSecret("AWS_SECRET_ACCESS_KEY", SsmFake.DefaultSecretAccessKey);
            },
            () => $"{ssm.VersionOf(ParameterOf("K"))}",
            "99",
            realClock: realClock);
        return (store, ssm);
    }

    private static string ParameterOf(string key) => $"/tfy-secret/acme/{StoreUnderTest.Group}/{key}";

    [Fact]
    public async Task EachValueSet_IsANewParameterVersion_AndEveryKeptVersionReadsBack()
    {
        var (store, _) = await StartAsync();
        await using var _ = store;

        await EachValueSet_IsANewStoreVersion_AndEveryKeptVersionReadsBackAsync(store);
    }

    [Fact]
    public async Task ALabel_NamesTheVersionItIsOn()
    {
        var (store, ssm) = await StartAsync();
        await using var _ = store;
        var f = store.Fixture;
        var id = await CreateGroupAsync(store);
        var v1 = await SetAndReadVersionAsync(f, id, Canary1);
        await SetAndReadVersionAsync(f, id, Canary2);
        ssm.Label(ParameterOf("K"), long.Parse(v1, CultureInfo.InvariantCulture), "last-known-good");

        var (status, body) = await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{id}:K/versions/last-known-good", f.Bob);

        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal((Canary1, v1), ((string)body!["value"]!, (string)body["version"]!));
        ApiFixture.AssertError(HttpStatusCode.NotFound, await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{id}:K/versions/no-such-label", f.Bob), "not_found", "version");

        // Not a label SSM would accept ("can't begin with a number, aws or ssm"): answered without asking the store.
        var calls = ssm.CallCount("GetParameter");
        ApiFixture.AssertError(HttpStatusCode.NotFound, await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{id}:K/versions/aws-reserved", f.Bob), "not_found", "version");
        Assert.Equal(calls, ssm.CallCount("GetParameter"));
    }

    [Fact]
    public async Task ApiReadme_CurlExamples_RunAsWritten_AndAnswerWhatItShows()
    {
        ReadmeCurl.RequireCurl();
        Assert.Contains(ReadmeCurl.Examples().Commands, c => c.Command.Contains($"\"integration_fqn\": \"{ReadmeIntegration}\"", StringComparison.Ordinal));
        var (store, _) = await StartAsync(ReadmeIntegration, realClock: true);
        await using var _ = store;

        await ReadmeCurl.EveryCurlExample_RunsAsWritten_AndAnswersWhatTheReadmeShowsAsync(store);
    }
}
