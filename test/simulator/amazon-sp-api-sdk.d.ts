/**
 * The part of Amazon's JavaScript SDK (@amazon-sp-api-release/amazon-sp-api-sdk-js, a devDependency)
 * that test/simulator/official-sdk.test.ts uses. The package ships no types for its index, and its
 * per-API .d.ts files declare `*WithHttpInfo` as resolving to the model where the code resolves
 * `{ data, response }`; these declarations say what the code does.
 */
declare module '@amazon-sp-api-release/amazon-sp-api-sdk-js' {
  /** superagent's response, as `*WithHttpInfo` resolves it (and a rejection carries it). */
  export interface SdkResponse {
    status: number;
    /** The parsed JSON (superagent parses application/json and any +json type). */
    body: unknown;
    text: string;
    type: string;
    headers: Record<string, string | undefined>;
  }

  /** What every `*WithHttpInfo` call resolves to: the SDK's model instance and the raw answer. */
  export interface SdkAnswer {
    data: unknown;
    response: SdkResponse;
  }

  export interface SdkApiClient {
    basePath: string;
    /** The documented hook for a token obtained elsewhere (the SDK's own LWA client posts only to api.amazon.com). */
    applyXAmzAccessTokenToRequest(accessOrRdtToken: string): SdkApiClient;
    /** The SDK throttles on the client by default (helper/DefaultRateLimitMap.mjs). */
    disableRateLimiter(): void;
  }

  type Query = Readonly<Record<string, string | number | readonly string[] | undefined>>;
  type Body = Readonly<Record<string, unknown>>;

  /** One generated API module: its ApiClient, its API class(es), and its models and enums by name. */
  type Module<Apis> = { readonly ApiClient: new (baseUrl?: string) => SdkApiClient } & Apis & { readonly [model: string]: unknown };
  type Api<Methods> = new (client: SdkApiClient) => Methods;

  export const SellersSpApi: Module<{ SellersApi: Api<{ getMarketplaceParticipationsWithHttpInfo(): Promise<SdkAnswer> }> }>;

  export const ListingsitemsSpApi: Module<{
    ListingsApi: Api<{
      getListingsItemWithHttpInfo(sellerId: string, sku: string, marketplaceIds: readonly string[], opts?: Query): Promise<SdkAnswer>;
      searchListingsItemsWithHttpInfo(sellerId: string, marketplaceIds: readonly string[], opts?: Query): Promise<SdkAnswer>;
      patchListingsItemWithHttpInfo(sellerId: string, sku: string, marketplaceIds: readonly string[], body: Body, opts?: Query): Promise<SdkAnswer>;
    }>;
  }>;

  export const CatalogitemsSpApi: Module<{
    CatalogApi: Api<{
      searchCatalogItemsWithHttpInfo(marketplaceIds: readonly string[], opts?: Query): Promise<SdkAnswer>;
      getCatalogItemWithHttpInfo(asin: string, marketplaceIds: readonly string[], opts?: Query): Promise<SdkAnswer>;
    }>;
  }>;

  export const SalesSpApi: Module<{
    SalesApi: Api<{ getOrderMetricsWithHttpInfo(marketplaceIds: readonly string[], interval: string, granularity: string, opts?: Query): Promise<SdkAnswer> }>;
  }>;

  export const ReportsSpApi: Module<{
    ReportsApi: Api<{
      createReportWithHttpInfo(body: Body): Promise<SdkAnswer>;
      getReportWithHttpInfo(reportId: string): Promise<SdkAnswer>;
      getReportDocumentWithHttpInfo(reportDocumentId: string, opts?: Query): Promise<SdkAnswer>;
    }>;
  }>;

  export const FeedsSpApi: Module<{
    FeedsApi: Api<{
      createFeedDocumentWithHttpInfo(body: Body): Promise<SdkAnswer>;
      createFeedWithHttpInfo(body: Body): Promise<SdkAnswer>;
      getFeedWithHttpInfo(feedId: string): Promise<SdkAnswer>;
      getFeedDocumentWithHttpInfo(feedDocumentId: string, opts?: Query): Promise<SdkAnswer>;
    }>;
  }>;

  export const ApluscontentSpApi: Module<{
    AplusContentApi: Api<{
      validateContentDocumentAsinRelationsWithHttpInfo(marketplaceId: string, postContentDocumentRequest: Body, opts?: Query): Promise<SdkAnswer>;
      createContentDocumentWithHttpInfo(marketplaceId: string, postContentDocumentRequest: Body): Promise<SdkAnswer>;
      postContentDocumentAsinRelationsWithHttpInfo(contentReferenceKey: string, marketplaceId: string, postContentDocumentAsinRelationsRequest: Body): Promise<SdkAnswer>;
      postContentDocumentApprovalSubmissionWithHttpInfo(contentReferenceKey: string, marketplaceId: string): Promise<SdkAnswer>;
    }>;
  }>;

  export const UploadsSpApi: Module<{
    UploadsApi: Api<{ createUploadDestinationForResourceWithHttpInfo(marketplaceIds: readonly string[], contentMD5: string, resource: string, opts?: Query): Promise<SdkAnswer> }>;
  }>;

  export const SolicitationsSpApi: Module<{
    SolicitationsApi: Api<{
      getSolicitationActionsForOrderWithHttpInfo(amazonOrderId: string, marketplaceIds: readonly string[]): Promise<SdkAnswer>;
      createProductReviewAndSellerFeedbackSolicitationWithHttpInfo(amazonOrderId: string, marketplaceIds: readonly string[]): Promise<SdkAnswer>;
    }>;
  }>;
}
