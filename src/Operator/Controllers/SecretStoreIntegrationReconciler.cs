using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Operator.Entities.V1Alpha1;
using Operator.Observability;
using Operator.References;
using Operator.Runtime;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>Validates an integration, resolves its credentials, checks connectivity and publishes its FQN.</summary>
[Rbac("secrets.tfy.dev", "secretstoreintegrations", "list,watch", "The informer caches every integration.", Scope = RbacScope.Cluster)]
[Rbac("secrets.tfy.dev", "secretstoreintegrations/status", "update", "Status (fqn, conditions, lastValidatedTime) is written through the status subresource only.", Scope = RbacScope.Cluster)]
public sealed partial class SecretStoreIntegrationReconciler(
    IntegrationDirectory directory,
    StoreRegistry registry,
    StoreConnector connector,
    ResourceClient<SecretStoreIntegration> api,
    IEventRecorder events,
    IOptions<SyncOptions> options,
    IResourceCache<SecretGroup> groups,
    IOptions<TenancyOptions> tenancy,
    ProjectionClock projections,
    TimeProvider time,
    ILogger<SecretStoreIntegrationReconciler> logger) : IReconciler<SecretStoreIntegration>
{
    public async Task<ReconcileResult> ReconcileAsync(SecretStoreIntegration entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var logScope = LogScopes.ForIntegration(logger, entity);
        if (entity.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var recheck = options.Value.IntegrationRecheckInterval;
        var trusted = TrustedUntil(entity, recheck);
        var outcome = await EvaluateAsync(entity, validate: trusted is null || trusted <= now, cancellationToken).ConfigureAwait(false);
        var status = entity.CopyOfStatus() ?? new SecretStoreIntegrationStatus();
        var wasReady = Conditions.IsTrue(status.Conditions, ConditionTypes.Ready);
        status.Conditions ??= new List<V1Condition>();
        var message = Echo.Redact(outcome.Message); // validation messages echo endpoints as the user wrote them
        var changed = Conditions.Set(status.Conditions, ConditionTypes.Ready, outcome.Ready ? "True" : "False", outcome.Reason, message, entity.Metadata.Generation, time);
        var insecure = SetInsecure(status.Conditions, entity);
        changed |= insecure;
        changed |= status.Fqn != outcome.Fqn?.ToString() || status.ObservedGeneration != entity.Metadata.Generation;
        status.Fqn = outcome.Fqn?.ToString();
        status.ObservedGeneration = entity.Metadata.Generation;
        var (projectAgainIn, projected) = Project(entity, outcome, status);
        var projectionChanged = projected && status.ProjectedMonthlyCalls != entity.Status?.ProjectedMonthlyCalls;

        if (outcome.Validated)
        {
            status.LastValidatedTime = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        }

        if (changed || outcome.Validated || projectionChanged)
        {
            await api.ReplaceStatusAsync(entity.WithStatus<SecretStoreIntegration>(status), cancellationToken).ConfigureAwait(false);
        }

        if (projected)
        {
            // Only once it is written (a conflict retries the reconcile, which projects again).
            projections.Computed(entity.Metadata.Name, now);
        }

        // A passed recheck only moves lastValidatedTime: no Event, and groups are not requeued for it.
        if (changed)
        {
            if (outcome.Ready != wasReady || !outcome.Ready)
            {
                events.Record(entity, outcome.Ready ? EventSeverity.Normal : EventSeverity.Warning, outcome.Reason, "Validate", message);
            }

            LogIntegrationStatus(logger, entity.Metadata.Name, outcome.Ready, outcome.Reason);
        }

        if (insecure && Conditions.IsTrue(status.Conditions, ConditionTypes.Insecure))
        {
            events.Record(entity, EventSeverity.Warning, "PlainHttpEndpoint", "Validate", Conditions.Find(status.Conditions, ConditionTypes.Insecure)!.Message);
        }

        // A store that is down or throttling now may answer in a second: retry with the queue's backoff rather than
        // leave the integration (and every group on it) not Ready until the next recheck.
        if (outcome.Transient)
        {
            return ReconcileResult.Retry(outcome.Reason);
        }

        // A spec the operator refuses stays refused until it is edited (the edit reconciles it): no periodic recheck.
        if (!outcome.Ready && outcome.Reason is "InvalidSpec" or "InvalidReference" or "ProviderNotSupported")
        {
            return ReconcileResult.Terminal(outcome.Reason);
        }

        var next = outcome.Validated || trusted is null || trusted <= now ? recheck : trusted.Value - now;
        return ReconcileResult.RequeueIn(projectAgainIn is { } wait && wait < next ? wait : next);
    }

    /// <summary>
    /// Recomputes status.projectedMonthlyCalls of a Ready integration from its groups when <see cref="ProjectionClock"/>
    /// allows (Projected); otherwise keeps it and answers how long until it may (the group change that asked is seen then).
    /// </summary>
    private (TimeSpan? Wait, bool Projected) Project(SecretStoreIntegration entity, Outcome outcome, SecretStoreIntegrationStatus status)
    {
        if (!outcome.Ready || outcome.Store is not { } store || outcome.Fqn is not { } fqn)
        {
            return (null, false);
        }

        var name = entity.Metadata.Name;
        var wait = projections.WaitFor(name, time.GetUtcNow().UtcDateTime);
        if (wait > TimeSpan.Zero)
        {
            return (wait, false);
        }

        status.ProjectedMonthlyCalls = CallProjection.For(groups.ByIndex(GroupIndexes.Integration, name), entity, fqn, store, tenancy.Value.Tenant, options.Value.DefaultSyncInterval);
        return (null, true);
    }

    /// <summary>
    /// Until when a restarted operator may trust the status' last check instead of calling the store (no store call in
    /// the first minutes after a restart): only for a Ready status of the current generation; null when not trusted.
    /// </summary>
    private static DateTime? TrustedUntil(SecretStoreIntegration entity, TimeSpan recheck)
    {
        var s = entity.Status;
        return s?.LastValidatedTime is { } at && s.ObservedGeneration == entity.Metadata.Generation && Conditions.IsTrue(s.Conditions, ConditionTypes.Ready)
            ? DateTime.SpecifyKind(at, DateTimeKind.Utc) + recheck
            : null;
    }

    /// <summary>Condition Insecure: True while spec.insecure lets an endpoint be plain http to another host; false once it no longer does.</summary>
    private bool SetInsecure(IList<V1Condition> conditions, SecretStoreIntegration entity)
    {
        var providers = StoreRegistry.ProvidersIn(entity.Spec);
        var plain = entity.Spec.Insecure == true && providers.Count == 1 && registry.TryGet(providers[0], out var factory)
            ? factory.PlainHttpEndpoints(entity.Spec).ToList()
            : [];
        if (plain.Count == 0 && Conditions.Find(conditions, ConditionTypes.Insecure) is null)
        {
            return false;
        }

        return plain.Count > 0
            ? Conditions.Set(conditions, ConditionTypes.Insecure, "True", "PlainHttpEndpoint", $"{string.Join(", ", plain)}: plain http to another host (spec.insecure: true); credentials and values travel unencrypted", entity.Metadata.Generation, time)
            : Conditions.Set(conditions, ConditionTypes.Insecure, "False", "Encrypted", "every endpoint uses https or this machine", entity.Metadata.Generation, time);
    }

    /// <summary>Disposes the deleted integration's store client (its groups learn of it through their controller's watch).</summary>
    public Task DeletedAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        projections.Forget(key.Name);
        return connector.ForgetAsync(key.Name);
    }

    /// <summary><see cref="Validated"/>: the store answered a connectivity check in this evaluation.</summary>
    private sealed record Outcome(bool Ready, string Reason, string Message, IntegrationFqn? Fqn, bool Validated = false)
    {
        /// <summary>The connected store of a Ready outcome (its batch size plans the projected calls).</summary>
        public ISecretStore? Store { get; init; }

        /// <summary>The store failure behind a not-Ready outcome is worth retrying soon (unavailable or throttled).</summary>
        public bool Transient { get; init; }

        public static Outcome StoreFailed(SecretStoreException e, IntegrationFqn fqn) =>
            new(false, e.Reason, e.Message, fqn) { Transient = e.Kind is StoreErrorKind.Unavailable or StoreErrorKind.Throttled };
    }

    private async Task<Outcome> EvaluateAsync(SecretStoreIntegration entity, bool validate, CancellationToken cancellationToken)
    {
        var spec = entity.Spec;
        var providers = StoreRegistry.ProvidersIn(spec);
        if (providers.Count != 1)
        {
            return new(false, "InvalidSpec", ProviderBlocks.ExactlyOneProblem(providers.Count), null);
        }

        var name = entity.Metadata.Name;
        if (!ReferenceParser.IsValidName(name))
        {
            return new(false, "InvalidSpec", $"metadata.name: '{name}' must be a DNS-1123 label (at most 63 lowercase letters, digits and '-') to form an FQN", null);
        }

        if (!ReferenceParser.IsValidName(spec.ProviderAccount))
        {
            return new(false, "InvalidSpec", $"spec.providerAccount: '{spec.ProviderAccount}' must be a DNS-1123 label", null);
        }

        var fqn = directory.FqnOf(entity)!;
        if (RefreshBounds.CheckIntegration(spec) is { } intervalError)
        {
            return new(false, "InvalidSpec", intervalError, fqn);
        }

        if (!registry.TryGet(providers[0], out var factory))
        {
            return new(false, "ProviderNotSupported", $"provider '{providers[0].ToSegment()}' is not built into this operator version", fqn);
        }

        var errors = factory.Validate(spec).ToList();
        if (errors.Count > 0)
        {
            return new(false, "InvalidSpec", string.Join("; ", errors), fqn);
        }

        ISecretStore store;
        try
        {
            store = await connector.ConnectAsync(entity, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException e)
        {
            return Outcome.StoreFailed(e, fqn);
        }
        catch (ConditionException e)
        {
            // The integration's credential references could not be resolved.
            return new(false, e.Reason, e.Message, fqn);
        }

        if (!validate)
        {
            return new(true, "Validated", $"connected to {providers[0].ToSegment()} store", fqn) { Store = store };
        }

        try
        {
            await store.ValidateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException e)
        {
            return Outcome.StoreFailed(e, fqn);
        }

        return new(true, "Validated", $"connected to {providers[0].ToSegment()} store", fqn, Validated: true) { Store = store };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Integration {Integration} ready={Ready} reason={Reason}")]
    private static partial void LogIntegrationStatus(ILogger logger, string? integration, bool ready, string reason);
}
