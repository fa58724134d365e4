using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Operator.Runtime;

/// <summary>
/// Runs all informers on every replica (readiness = caches synced), elects a leader on a coordination.k8s.io Lease,
/// and runs controller workers only while this replica leads and its caches are synced. Losing the Lease cancels the
/// workers; regaining it starts them again. A graceful stop releases the Lease.
/// </summary>
[Rbac("coordination.k8s.io", "leases", "get,create,update", "Leader election: get reads the holder, create makes the first Lease, update renews, takes over or releases it.", Scope = RbacScope.OperatorNamespace)]
public sealed partial class OperatorHostedService : IHostedService, ILeaderStatus, IOperatorHealth, IDisposable
{
    private readonly IServiceProvider services;
    private readonly IReadOnlyList<IInformer> informers;
    private readonly IReadOnlyList<IController> controllers;
    private readonly LeaderElectionOptions election;
    private readonly EventRecorder? events;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> background = [];
    private Task leadership = Task.CompletedTask;
    private volatile bool isLeader;

    internal OperatorHostedService(
        IServiceProvider services,
        IEnumerable<IInformer> informers,
        IEnumerable<IController> controllers,
        IOptions<OperatorRuntimeOptions> options,
        EventRecorder? events,
        TimeProvider time,
        ILogger<OperatorHostedService> logger)
    {
        this.services = services;
        this.informers = [.. informers];
        this.controllers = [.. controllers];
        election = options.Value.LeaderElection;
        this.events = events;
        this.time = time;
        this.logger = logger;
    }

    public bool IsLeader => isLeader;

    public bool CachesSynced => informers.All(i => i.HasSynced);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var wiring in services.GetServices<IControllerWiring>())
        {
            wiring.Attach(services);
        }

        var token = stopping.Token;
        foreach (var informer in informers)
        {
            background.Add(Task.Run(() => informer.RunAsync(token), CancellationToken.None));
        }

        if (events is not null)
        {
            background.Add(Task.Run(() => events.RunAsync(token), CancellationToken.None));
        }

        leadership = Task.Run(() => RunLeadershipAsync(token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await leadership.WaitAsync(cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(background).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (events is not null)
            {
                // Events recorded while stopping (e.g. by the last reconciles) are still worth writing.
                await events.DrainAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            LogStopTimedOut(logger);
        }
        catch (OperationCanceledException)
        {
            LogStopTimedOut(logger);
        }
    }

    public void Dispose() => stopping.Dispose();

    private async Task RunLeadershipAsync(CancellationToken cancellationToken)
    {
        if (!election.Enabled)
        {
            isLeader = true;
            LogLeaderElectionDisabled(logger);
            await RunControllersAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var client = services.GetRequiredService<IKubernetes>();
        var leaseLock = new LeaseLock(client, election.LeaseNamespace, election.LeaseName, election.Identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = election.LeaseDuration,
            RenewDeadline = election.RenewDeadline,
            RetryPeriod = election.RetryPeriod,
        });

        CancellationTokenSource? leading = null;
        Task workers = Task.CompletedTask;
        elector.OnStartedLeading += () =>
        {
            isLeader = true;
            LogStartedLeading(logger, election.Identity, election.LeaseNamespace, election.LeaseName);
            leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var token = leading.Token;
            workers = Task.Run(() => RunControllersAsync(token), CancellationToken.None);
        };
        elector.OnStoppedLeading += () =>
        {
            isLeader = false;
            leading?.Cancel();
            LogStoppedLeading(logger, election.Identity);
        };
        elector.OnNewLeader += leader => LogNewLeader(logger, leader);
        elector.OnError += e => LogElectionError(logger, e);

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await elector.RunUntilLeadershipLostAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                LogElectionError(logger, e);
            }

            // Never let two sets of workers overlap: wait for the old ones before campaigning again.
            isLeader = false;
            leading?.Cancel();
            await workers.ConfigureAwait(false);
            leading?.Dispose();
            leading = null;
            workers = Task.CompletedTask;

            if (!cancellationToken.IsCancellationRequested)
            {
                await DelayQuietlyAsync(election.RetryPeriod, cancellationToken).ConfigureAwait(false);
            }
        }

        await ReleaseLeaseAsync(client).ConfigureAwait(false);
    }

    private async Task RunControllersAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(cancellationToken))).ConfigureAwait(false);
            LogStartingControllers(logger, controllers.Count);
            await Task.WhenAll(controllers.Select(c => c.RunAsync(cancellationToken))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogControllersFailed(logger, e);
        }
    }

    private async Task ReleaseLeaseAsync(IKubernetes client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
        try
        {
            if (await LeaseRelease.ReleaseAsync(client, election, time, timeout.Token).ConfigureAwait(false))
            {
                LogReleasedLease(logger, election.LeaseNamespace, election.LeaseName);
            }
        }
        catch (Exception e)
        {
            LogReleaseFailed(logger, e);
        }
    }

    private async Task DelayQuietlyAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Leader election disabled: this replica leads")]
    private static partial void LogLeaderElectionDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} became leader on Lease {LeaseNamespace}/{LeaseName}")]
    private static partial void LogStartedLeading(ILogger logger, string identity, string leaseNamespace, string leaseName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} stopped leading; controller workers stop")]
    private static partial void LogStoppedLeading(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Current leader: {Leader}")]
    private static partial void LogNewLeader(ILogger logger, string leader);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader election error")]
    private static partial void LogElectionError(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Caches synced; starting {Count} controllers")]
    private static partial void LogStartingControllers(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Controllers failed")]
    private static partial void LogControllersFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released Lease {LeaseNamespace}/{LeaseName}")]
    private static partial void LogReleasedLease(ILogger logger, string leaseNamespace, string leaseName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing the Lease failed; other replicas take over when it expires")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping the operator runtime timed out")]
    private static partial void LogStopTimedOut(ILogger logger);
}
