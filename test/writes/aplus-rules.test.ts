import { describe, expect, it } from 'vitest';
import { checkAplusText, checkContentDocument, checkModule, MAX_APLUS_DOCUMENT_CHARS } from '../../src/writes/aplus-rules.js';

const image = { image_url: 'https://images.example.com/mug.png', imageCropSpecification: { size: { width: { value: 970, units: 'pixels' }, height: { value: 600, units: 'pixels' } } }, altText: 'Mug on a table' };
export const textModule = (value = 'Stoneware mug, glazed by hand.') => ({ contentModuleType: 'STANDARD_TEXT', standardText: { headline: { value: 'Made to last' }, body: { textList: [{ value }] } } });
const codes = (modules: Record<string, unknown>[]) => checkContentDocument(modules).map((v) => v.code);

describe('A+ module structure', () => {
  it('accepts well-formed modules', () => {
    expect(
      codes([
        textModule(),
        { contentModuleType: 'STANDARD_HEADER_IMAGE_TEXT', standardHeaderImageText: { headline: { value: 'Crafted' }, block: { image, headline: { value: 'Glaze' }, body: { textList: [{ value: 'Food safe glaze.' }] } } } },
        { contentModuleType: 'STANDARD_PRODUCT_DESCRIPTION', standardProductDescription: { body: { textList: [{ value: 'Holds 350 ml.', decoratorSet: [{ type: 'STYLE_BOLD', offset: 0, length: 5 }] }] } } },
        { contentModuleType: 'STANDARD_COMPANY_LOGO', standardCompanyLogo: { companyLogo: image } },
        {
          contentModuleType: 'STANDARD_TECH_SPECS',
          standardTechSpecs: { specificationList: ['Size', 'Weight', 'Material', 'Care'].map((label) => ({ label: { value: label }, description: { value: 'See box' } })), tableCount: 1 },
        },
        { contentModuleType: 'STANDARD_SINGLE_SIDE_IMAGE', standardSingleSideImage: { imagePositionType: 'LEFT', block: { image } } },
      ]),
    ).toEqual([]);
  });

  it('requires the object that matches contentModuleType, and nothing else', () => {
    expect(codes([{ contentModuleType: 'STANDARD_TEXT' }])).toEqual(['APLUS_MODULE_MISSING']);
    expect(codes([{ contentModuleType: 'STANDARD_TEXT', standardProductDescription: { body: { textList: [{ value: 'x' }] } } }])).toEqual(['APLUS_MODULE_MISMATCH']);
    expect(codes([{ contentModuleType: 'STANDARD_FANCY', standardFancy: {} }])).toEqual(['APLUS_MODULE_TYPE']);
    const mismatch = checkContentDocument([{ ...textModule(), standardCompanyLogo: { companyLogo: image } }])[0];
    expect(mismatch?.field).toBe('params.content_document.content_module_list.0.standardCompanyLogo');
  });

  it("enforces the model's required sub-objects and limits", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ contentModuleType: 'STANDARD_TEXT', standardText: { headline: { value: 'x' } } }, 'standardText.body'],
      [{ contentModuleType: 'STANDARD_TEXT', standardText: { body: { textList: [] } } }, 'standardText.body.textList'],
      [{ contentModuleType: 'STANDARD_TEXT', standardText: { body: { textList: [{ value: 'x'.repeat(10_001) }] } } }, 'standardText.body.textList.0.value'],
      [{ contentModuleType: 'STANDARD_SINGLE_SIDE_IMAGE', standardSingleSideImage: { block: {} } }, 'standardSingleSideImage.imagePositionType'],
      [{ contentModuleType: 'STANDARD_IMAGE_TEXT_OVERLAY', standardImageTextOverlay: { overlayColorType: 'BLUE' } }, 'standardImageTextOverlay.overlayColorType'],
      [{ contentModuleType: 'STANDARD_COMPANY_LOGO', standardCompanyLogo: { companyLogo: { ...image, altText: 'a'.repeat(101) } } }, 'standardCompanyLogo.companyLogo.altText'],
      [{ contentModuleType: 'STANDARD_COMPANY_LOGO', standardCompanyLogo: { companyLogo: { altText: 'x', imageCropSpecification: image.imageCropSpecification } } }, 'standardCompanyLogo.companyLogo.image_url'],
      [{ contentModuleType: 'STANDARD_TECH_SPECS', standardTechSpecs: { specificationList: [{ label: { value: 'a' } }] } }, 'standardTechSpecs.specificationList'],
      [{ contentModuleType: 'STANDARD_FOUR_IMAGE_TEXT_QUADRANT', standardFourImageTextQuadrant: { block1: {}, block2: {}, block3: {} } }, 'standardFourImageTextQuadrant.block4'],
      [{ contentModuleType: 'STANDARD_COMPARISON_TABLE', standardComparisonTable: { productColumns: [{ position: 1, title: 't'.repeat(81) }] } }, 'standardComparisonTable.productColumns.0.title'],
      [{ contentModuleType: 'STANDARD_COMPARISON_TABLE', standardComparisonTable: { productColumns: [{ position: 1, asin: 'B0'.repeat(6) }] } }, 'standardComparisonTable.productColumns.0.asin'],
      [{ contentModuleType: 'STANDARD_TEXT', standardText: { body: { textList: [{ value: 'x' }] }, image } }, 'standardText.image'],
    ];
    for (const [module, field] of cases) {
      const found = checkModule(module, 'm');
      expect(found.map((v) => v.field), JSON.stringify(module).slice(0, 80)).toEqual([`m.${field}`]);
    }
  });
});

describe('A+ document size', () => {
  it('refuses a document with more text than the broker reads in one call, before any module rule', () => {
    const full = (i: number) => textModule(`Module ${i} mail care@mugs.com ${'x'.repeat(9_000)}`);
    const modules = Array.from({ length: 25 }, (_, i) => full(i));
    expect(JSON.stringify(modules).length).toBeGreaterThan(MAX_APLUS_DOCUMENT_CHARS);
    expect(checkContentDocument(modules).map((v) => [v.code, v.field])).toEqual([['APLUS_DOCUMENT_TOO_LARGE', 'params.content_document.content_module_list']]);
    expect(checkContentDocument(modules.slice(0, 5)).map((v) => v.code)).toEqual(Array(5).fill('APLUS_CONTACT_DETAILS'));
  });
});

describe('A+ content policy', () => {
  const code = (text: string) => checkAplusText(text, 'f').map((v) => v.code);

  it('accepts plain product copy, including feature compounds like BPA-free', () => {
    for (const text of ['Hand-glazed stoneware that keeps coffee warm.', 'BPA-free lid, hands-free carry loop.', 'Dishwasher safe; 350 ml.']) expect(code(text), text).toEqual([]);
  });

  it('refuses prices and promotions', () => {
    for (const text of ['Only $9.99', 'Save 20% off', 'A great discount', 'Get a free mug', 'Summer sale', 'Buy now', 'Add to cart today', '€5 cheaper', 'just 10 USD', 'Bonus lid included', 'Affordable luxury']) {
      expect(code(text).some((c) => c === 'APLUS_PRICE' || c === 'APLUS_PROMOTION'), text).toBe(true);
    }
  });

  it('refuses contact details', () => {
    for (const text of ['Mail care@mugs.com', 'Call 1-800-555-0199', 'Visit www.mugs.com']) expect(code(text), text).toContain('APLUS_CONTACT_DETAILS');
  });

  it('refuses time-sensitive language', () => {
    for (const text of ['Our new design', 'Available now', 'The latest glaze', 'For a limited time', 'Perfect for Christmas', 'Black Friday pick', 'Holiday gift']) {
      expect(code(text), text).toContain('APLUS_TIME_SENSITIVE');
    }
    expect(code('Renewed stoneware knowhow')).toEqual([]);
  });

  it('refuses guarantee, warranty and return claims', () => {
    for (const text of ['Satisfaction guaranteed', 'Two-year warranty', 'Money back if not happy', 'Easy return policy', 'Full refund']) {
      expect(code(text), text).toContain('APLUS_GUARANTEE');
    }
  });

  it('checks every text of a module with its field', () => {
    const found = checkContentDocument([textModule('Now with a lid')]);
    expect(found.map((v) => [v.code, v.field])).toEqual([['APLUS_TIME_SENSITIVE', 'params.content_document.content_module_list.0.standardText.body.textList.0.value']]);
    const alt = checkModule({ contentModuleType: 'STANDARD_COMPANY_LOGO', standardCompanyLogo: { companyLogo: { ...image, altText: 'Visit mugs.com' } } }, 'm');
    expect(alt.map((v) => v.field)).toEqual(['m.standardCompanyLogo.companyLogo.altText']);
  });
});
