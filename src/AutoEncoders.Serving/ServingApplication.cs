using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AutoEncoders.Serving;

/// <summary>
/// <c>ae serve</c>'s web application (ASP.NET Core minimal APIs on Kestrel): the /v1 endpoints, the OpenAPI document
/// at /openapi/v1.json, the explorer page at /, API-key and CORS rules, body limits, request timeouts, and every
/// error as an RFC 7807 problem document. Start it with <see cref="StartAsync"/>; dispose it to stop.
/// </summary>
public sealed class ServingApplication : IAsyncDisposable
{
    /// <summary>The JSON settings of every answer (camelCase, as ASP.NET Core writes).</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;

    private ServingApplication(WebApplication app, InferenceBatcher queue, ServeOptions options)
    {
        _app = app;
        Batcher = queue;
        Options = options;
    }

    /// <summary>The inference queue (its counters show how requests were batched).</summary>
    public InferenceBatcher Batcher { get; }

    /// <summary>The settings it runs with.</summary>
    public ServeOptions Options { get; }

    /// <summary>The address it listens on, e.g. http://127.0.0.1:8080 (after <see cref="StartAsync"/>).</summary>
    public Uri Address =>
        new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The service has not started."));

    /// <summary>Completes when the host begins to stop (SIGINT, SIGTERM, or <see cref="StopAsync"/>).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>Builds the application over <paramref name="served"/>; nothing listens until <see cref="StartAsync"/>.</summary>
    public static ServingApplication Create(ServedModel served, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(served);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        IPAddress address = options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            kestrel.Listen(address, options.Port);
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi("v1");
        builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        if (options.CorsOrigins.Count > 0)
        {
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy.WithOrigins([.. options.CorsOrigins]).AllowAnyHeader().WithMethods("GET", "POST")));
        }

        var queue = new InferenceBatcher(options.MaxBatch, options.MaxBatchWait, options.QueueCapacity);
        WebApplication app = builder.Build();
        var keys = new ApiKeyCheck(options.ApiKey);

        // Outermost: every failure below becomes a problem document; nothing a request does reaches the host.
        app.Use(async (context, next) =>
        {
            CancellationToken client = context.RequestAborted;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(client);
            deadline.CancelAfter(options.RequestTimeout);
            context.RequestAborted = deadline.Token;
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (RequestRefusedException problem)
            {
                await Problem(context, problem.Status, problem.Field, problem.Message).ConfigureAwait(false);
            }
            catch (QueueFullException full)
            {
                await Problem(context, StatusCodes.Status503ServiceUnavailable, "queue", full.Message).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !client.IsCancellationRequested)
            {
                await Problem(context, StatusCodes.Status503ServiceUnavailable, "timeout", $"the request took longer than {options.RequestTimeout.TotalSeconds:G4} s (--timeout-s); it was dropped.").ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (client.IsCancellationRequested)
            {
                // The client went away: nobody reads an answer.
            }
            catch (Exception e) when (e is BadHttpRequestException bad)
            {
                await Problem(context, bad.StatusCode, "request", bad.Message).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await Problem(context, StatusCodes.Status500InternalServerError, "model", $"the computation failed: {e.GetType().Name}: {e.Message.Split('\n')[0]}").ConfigureAwait(false);
            }
        });
        // What routing refuses itself (no such path, method or content type) is a problem naming the part too.
        app.UseStatusCodePages(async pages =>
        {
            HttpContext context = pages.HttpContext;
            (string field, string detail) = context.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => ("path", $"no endpoint {context.Request.Path}; the API is under /v1 (see /openapi/v1.json)."),
                StatusCodes.Status405MethodNotAllowed => ("method", $"{context.Request.Method} is not accepted by {context.Request.Path}."),
                StatusCodes.Status415UnsupportedMediaType => ("Content-Type", $"expected application/json or {RequestBodyReader.NpyMediaType}, found '{context.Request.ContentType ?? "(none)"}'."),
                _ => ("request", "the request was refused."),
            };
            await Problem(context, context.Response.StatusCode, field, detail).ConfigureAwait(false);
        });
        if (options.CorsOrigins.Count > 0)
        {
            app.UseCors();
        }

        app.Use(async (context, next) =>
        {
            if (keys.Allows(context.Request))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Problem(context, StatusCodes.Status401Unauthorized, "X-Api-Key", "missing or wrong API key: send it as X-Api-Key: KEY or Authorization: Bearer KEY.").ConfigureAwait(false);
        });

        new ServingEndpoints(served, options, queue).Map(app);
        app.MapOpenApi("/openapi/{documentName}.json");
        MapExplorerPage(app);
        return new ServingApplication(app, queue, options);
    }

    /// <summary>Starts listening.</summary>
    public Task StartAsync(CancellationToken cancellation = default) => _app.StartAsync(cancellation);

    /// <summary>Stops listening, lets requests in flight finish, then stops the inference thread.</summary>
    public async Task StopAsync(CancellationToken cancellation = default)
    {
        await _app.StopAsync(cancellation).ConfigureAwait(false);
        Batcher.Dispose();
    }

    /// <summary>Waits until the host is told to stop (SIGINT or SIGTERM for a console process), then stops gracefully.</summary>
    public async Task RunUntilStoppedAsync()
    {
        await _app.WaitForShutdownAsync().ConfigureAwait(false);
        Batcher.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Batcher.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static Task Problem(HttpContext context, int status, string field, string detail)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.Clear();
        return Results.Problem(
            detail: detail,
            instance: context.Request.Path,
            statusCode: status,
            extensions: new Dictionary<string, object?> { ["field"] = field }).ExecuteAsync(context);
    }

    private static void MapExplorerPage(WebApplication app)
    {
        byte[]? page = ExplorerAssets.Read("index.html");
        byte[]? script = ExplorerAssets.Read("explorer.js");
        app.MapGet("/", () => script is null || page is null
                ? Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: "the explorer page was not built into this build: run scripts/setup.sh (npm ci in web/explorer), then rebuild.")
                : Results.Bytes(page, "text/html; charset=utf-8"))
            .ExcludeFromDescription();
        app.MapGet("/explorer.js", () => script is null ? Results.NotFound() : Results.Bytes(script, "text/javascript; charset=utf-8"))
            .ExcludeFromDescription();
    }
}
