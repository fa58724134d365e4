using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Operator.Testing.Stores;
using Operator.Testing.Stores.Aws;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.Testing.Tests;

public sealed class FakeFaultsTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public void ThrottleAtTps_IsATokenBucketOnTheFakesClock_FullAtTheStart()
    {
        var time = new FakeTimeProvider();
        var faults = new FakeFaults(time);
        faults.ThrottleAtTps(2);

        Assert.Equal([FakeFault.None, FakeFault.None, FakeFault.Throttled], Decide(faults, 3));
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal([FakeFault.None, FakeFault.Throttled], Decide(faults, 2));
        time.Advance(TimeSpan.FromSeconds(10)); // refills to the burst, not beyond
        Assert.Equal([FakeFault.None, FakeFault.None, FakeFault.Throttled], Decide(faults, 3));

        faults.ThrottleAtTps(0);
        Assert.All(Decide(faults, 20), f => Assert.Equal(FakeFault.None, f));
        Assert.Equal((28, 3, 0), (faults.Calls, faults.Throttled, faults.Failed));
    }

    [Fact]
    public void ThrottleNext_ComesBeforeTheRate_AndThrottledCallsSpendNoToken()
    {
        var faults = new FakeFaults(new FakeTimeProvider());
        faults.ThrottleAtTps(1);
        faults.ThrottleNext(2);

        Assert.Equal([FakeFault.Throttled, FakeFault.Throttled, FakeFault.None, FakeFault.Throttled], Decide(faults, 4));
    }

    [Fact]
    public void FailShare_IsRepeatableForASeed_AndNearTheShare()
    {
        static List<FakeFault> Run(int seed)
        {
            var faults = new FakeFaults(TimeProvider.System);
            faults.FailShare(0.1, seed: seed);
            return Decide(faults, 2000);
        }

        var first = Run(7);
        Assert.Equal(first, Run(7));
        Assert.NotEqual(first, Run(8));
        Assert.InRange(first.Count(f => f == FakeFault.Failed), 150, 250);
    }

    [Fact]
    public void Outage_FailsEveryCall_AndClearEndsEveryFault_ButKeepsTheCounters()
    {
        var faults = new FakeFaults(TimeProvider.System);
        faults.Outage = true;
        faults.ThrottleNext(5);
        faults.AddLatency(TimeSpan.FromSeconds(1), "read");

        Assert.All(Decide(faults, 3, "read"), f => Assert.Equal(FakeFault.Failed, f));
        Assert.Equal(TimeSpan.FromSeconds(1), faults.LatencyFor("read"));
        Assert.Equal(TimeSpan.Zero, faults.LatencyFor("write"));

        faults.Clear();
        faults.Count("token");

        Assert.Equal(FakeFault.None, faults.Decide("read"));
        Assert.Equal(TimeSpan.Zero, faults.LatencyFor("read"));
        Assert.False(faults.Outage);
        Assert.Equal((4, 1, 5, 3), (faults.CallCount("read"), faults.CallCount("token"), faults.Calls, faults.Failed));
    }

    [Fact]
    public async Task SsmFake_RendersThrottlesAsThrottlingException400_AndFailuresWithTheGivenCode()
    {
        await using var fake = await SsmFake.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();
        fake.Faults.ThrottleNext(1);
        fake.FailShare(1.0, 503, "ServiceUnavailable");

        var throttled = await SsmAsync(http, fake);
        var failed = await SsmAsync(http, fake);
        fake.ClearFaults();
        var served = await SsmAsync(http, fake);

        Assert.Equal((HttpStatusCode.BadRequest, "ThrottlingException"), throttled);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "ServiceUnavailable"), failed);
        Assert.Equal(HttpStatusCode.OK, served.Status);
        Assert.Equal((3, 1, 1), (fake.CallCount("GetParameters"), fake.Faults.Throttled, fake.Faults.Failed));
    }

    [Fact]
    public async Task VaultFake_RendersThrottlesAs429_AndAnOutageAs500()
    {
        await using var fake = await VaultFake.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Vault-Token", fake.RootToken);
        fake.Faults.ThrottleNext(1);

        var throttled = await http.GetAsync(new Uri("v1/auth/token/lookup-self", UriKind.Relative), Ct);
        fake.Faults.Outage = true;
        var failed = await http.GetAsync(new Uri("v1/auth/token/lookup-self", UriKind.Relative), Ct);
        fake.Faults.Outage = false;
        var served = await http.GetAsync(new Uri("v1/auth/token/lookup-self", UriKind.Relative), Ct);

        Assert.Equal(
            [HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.OK],
            [throttled.StatusCode, failed.StatusCode, served.StatusCode]);
        Assert.Equal(3, fake.CallCount("token.lookup"));
    }

    private static List<FakeFault> Decide(FakeFaults faults, int calls, string operation = "op") =>
        Enumerable.Range(0, calls).Select(_ => faults.Decide(operation)).ToList();

    private static async Task<(HttpStatusCode Status, string? Type)> SsmAsync(HttpClient http, SsmFake fake)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, fake.Url)
        {
            Content = new StringContent("{\"Names\":[\"/x\"]}", Encoding.UTF8, "application/x-amz-json-1.1"),
        };
        request.Headers.Add("X-Amz-Target", "AmazonSSM.GetParameters");
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={SsmFake.DefaultAccessKeyId}/20260101/us-east-1/ssm/aws4_request");
        using var response = await http.SendAsync(request, Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct)) as JsonObject;
        var type = (string?)body?["__type"];
        return (response.StatusCode, type?[(type.IndexOf('#', StringComparison.Ordinal) + 1)..]);
    }
}
