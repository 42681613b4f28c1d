"""The official words (issue: the plans as written). Every type's default citizen notice
now starts with the script of seed 004 step 3, word for word, with the type's own sentences
after it (R107); the printer symptoms regain "báo lỗi phần mềm" (R48); the printer owner and
prevention lines are the plans' own (001 II 2.1, 000 1.1c).

A shipped row is changed only while it still holds the text shipped before, so what a center
or an administrator wrote is kept."""

from django.db import migrations

# (code, field): (the text shipped before, the plans' words)
CHANGES = {
    ("printer-paper", "symptoms"): (
        "Không in được, máy in báo lỗi “hết giấy”; nghẽn (kẹt) giấy, in sai lệch các trang giấy.",
        "Không in được, báo lỗi “hết giấy”; báo lỗi phần mềm, nghẽn giấy (kẹt giấy), in sai lệch các trang giấy.",
    ),
    ("printer-paper", "owner"): (
        "Cán bộ tiếp nhận (cán bộ vận hành) tại Bộ phận Một cửa hoặc cán bộ CNTT phụ trách hỗ trợ tại xã/phường; đơn vị cung ứng dịch vụ sửa chữa, bảo trì máy tính, máy in, đổ mực (doanh nghiệp kinh doanh lĩnh vực CNTT).",
        "Cán bộ tiếp nhận hoặc cán bộ CNTT phụ trách hỗ trợ tại xã/phường và các doanh nghiệp hoạt động kinh doanh lĩnh vực CNTT (đơn vị cung ứng dịch vụ sửa chữa, bảo trì máy tính, máy in, đổ mực).",
    ),
    ("printer-paper", "citizen_notice"): (
        "Kính thưa các bác, các anh chị, máy in của quầy đang được bổ sung giấy và xử lý nhanh. Việc in kết quả sẽ chậm vài phút. Rất mong các bác, các anh chị vui lòng ngồi chờ và thông cảm cho sự bất tiện này. Xin chân thành cảm ơn!",
        "Kính thưa các bác, các anh chị, hệ thống của chúng tôi đang gặp sự cố kỹ thuật tạm thời. Các cán bộ kỹ thuật đang khẩn trương khắc phục để hệ thống sớm hoạt động trở lại. Rất mong các bác, các anh chị vui lòng chờ thêm ít phút và thông cảm cho sự bất tiện này. Xin chân thành cảm ơn! Máy in của quầy đang được bổ sung giấy, xử lý kẹt giấy; việc in kết quả có thể chậm vài phút, mời các bác, các anh chị ngồi chờ.",
    ),
    ("printer-paper", "prevention"): (
        "- Trung tâm bố trí vật tư dự phòng gồm giấy in, mực in theo định mức; giao cán bộ theo dõi và nhắc nhở bổ sung định kỳ.\n- Có ít nhất 01 máy in dự phòng hoặc sử dụng luân phiên máy in giữa các quầy Bộ phận Một cửa để xử lý linh hoạt khi sự cố kéo dài.\n- Dùng giấy in đúng loại, đúng kích cỡ; bảo quản giấy nơi khô ráo, không để giấy ẩm, nhàu.",
        "- Trung tâm bố trí vật tư dự phòng gồm giấy in, mực in theo định mức; giao cán bộ theo dõi và nhắc nhở bổ sung định kỳ.\n- Có ít nhất 01 máy in dự phòng hoặc có thể sử dụng luân phiên giữa các bộ phận một cửa để xử lý linh hoạt trong trường hợp sự cố kéo dài.\n- Dùng giấy in đúng loại, đúng kích cỡ; bảo quản giấy nơi khô ráo, không để giấy ẩm, nhàu.",
    ),
    ("printer-ink", "symptoms"): (
        "Bản in mờ, nhạt hoặc mất nét chữ; máy in báo lỗi hết mực hoặc không in được.",
        "Không in được; in mờ (bản in nhạt, mất nét chữ); máy in báo hết mực.",
    ),
    ("printer-ink", "owner"): (
        "Cán bộ tiếp nhận (cán bộ vận hành) tại Bộ phận Một cửa hoặc cán bộ CNTT phụ trách hỗ trợ tại xã/phường; đơn vị cung ứng dịch vụ sửa chữa, bảo trì máy tính, máy in, đổ mực (doanh nghiệp kinh doanh lĩnh vực CNTT).",
        "Cán bộ tiếp nhận hoặc cán bộ CNTT phụ trách hỗ trợ tại xã/phường và các doanh nghiệp hoạt động kinh doanh lĩnh vực CNTT (đơn vị cung ứng dịch vụ sửa chữa, bảo trì máy tính, máy in, đổ mực).",
    ),
    ("printer-ink", "citizen_notice"): (
        "Kính thưa các bác, các anh chị, máy in của quầy đang được thay mực. Việc in kết quả sẽ chậm vài phút. Rất mong các bác, các anh chị vui lòng ngồi chờ và thông cảm cho sự bất tiện này. Xin chân thành cảm ơn!",
        "Kính thưa các bác, các anh chị, hệ thống của chúng tôi đang gặp sự cố kỹ thuật tạm thời. Các cán bộ kỹ thuật đang khẩn trương khắc phục để hệ thống sớm hoạt động trở lại. Rất mong các bác, các anh chị vui lòng chờ thêm ít phút và thông cảm cho sự bất tiện này. Xin chân thành cảm ơn! Máy in của quầy đang được thay mực; việc in kết quả có thể chậm vài phút, mời các bác, các anh chị ngồi chờ.",
    ),
    ("printer-ink", "prevention"): (
        "- Trung tâm bố trí vật tư dự phòng gồm giấy in, mực in (hộp mực) theo định mức; giao cán bộ theo dõi và nhắc nhở bổ sung định kỳ.\n- Định kỳ kiểm tra mức mực, đổ mực trước khi hết.\n- Có ít nhất 01 máy in dự phòng hoặc sử dụng luân phiên máy in giữa các quầy Bộ phận Một cửa để xử lý linh hoạt khi sự cố kéo dài.",
        "- Trung tâm bố trí vật tư dự phòng gồm giấy in, mực in theo định mức; giao cán bộ theo dõi và nhắc nhở bổ sung định kỳ.\n- Định kỳ kiểm tra mức mực, đổ mực trước khi hết.\n- Có ít nhất 01 máy in dự phòng hoặc có thể sử dụng luân phiên giữa các bộ phận một cửa để xử lý linh hoạt trong trường hợp sự cố kéo dài.",
    ),
    ("login", "citizen_notice"): (
        "Kính thưa các bác, các anh chị, cán bộ của chúng tôi đang gặp trục trặc khi đăng nhập hệ thống và đang khẩn trương khắc phục. Rất mong các bác, các anh chị vui lòng chờ thêm ít phút và thông cảm cho sự bất tiện này. Xin chân thành cảm ơn!",
        "Kính thưa các bác, các anh chị, hệ thống của chúng tôi đang gặp sự cố kỹ thuật tạm thời. Các cán bộ kỹ thuật đang khẩn trương khắc phục để hệ thống sớm hoạt động trở lại. Rất mong các bác, các anh chị vui lòng chờ thêm ít phút và thông cảm cho sự bất tiện này. Xin chân thành cảm ơn! Cán bộ đang khôi phục việc đăng nhập vào hệ thống; trong khi chờ, mời các bác, các anh chị điền vào đơn giấy, sắp xếp sẵn hồ sơ.",
    ),
    ("slow-system", "citizen_notice"): (
        "Kính thưa các bác, các anh chị, do hệ thống đang có lượng truy cập lớn nên có thể hơi chậm, mong các bác, các anh/chị thông cảm! Mời các bác, các anh chị ngồi chờ, cán bộ sẽ giải quyết hồ sơ ngay khi hệ thống phản hồi. Xin chân thành cảm ơn!",
        "Kính thưa các bác, các anh chị, hệ thống của chúng tôi đang gặp sự cố kỹ thuật tạm thời. Các cán bộ kỹ thuật đang khẩn trương khắc phục để hệ thống sớm hoạt động trở lại. Rất mong các bác, các anh chị vui lòng chờ thêm ít phút và thông cảm cho sự bất tiện này. Xin chân thành cảm ơn! Do hệ thống mới vận hành, lượng truy cập lớn nên có thể hơi chậm, mong các bác, các anh/chị thông cảm! Mời các bác, các anh chị ngồi chờ tại khu vực có ghế, nước uống; cán bộ sẽ giải quyết hồ sơ ngay khi hệ thống phản hồi.",
    ),
    ("national-db", "citizen_notice"): (
        "Kính thưa các bác, các anh chị, hệ thống tra cứu dữ liệu của chúng tôi đang gặp sự cố kỹ thuật tạm thời. Các cán bộ kỹ thuật đang khẩn trương khắc phục. Trong khi chờ, cán bộ vẫn tiếp nhận hồ sơ bằng giấy; nếu chưa tra cứu được, chúng tôi sẽ ghi phiếu hẹn và mời các bác, các anh chị quay lại khi có kết quả. Rất mong các bác, các anh chị thông cảm cho sự bất tiện này. Xin chân thành cảm ơn!",
        "Kính thưa các bác, các anh chị, hệ thống của chúng tôi đang gặp sự cố kỹ thuật tạm thời. Các cán bộ kỹ thuật đang khẩn trương khắc phục để hệ thống sớm hoạt động trở lại. Rất mong các bác, các anh chị vui lòng chờ thêm ít phút và thông cảm cho sự bất tiện này. Xin chân thành cảm ơn! Trong khi chờ, cán bộ vẫn tiếp nhận hồ sơ bằng giấy; nếu chưa tra cứu được thông tin từ cơ sở dữ liệu, cán bộ sẽ ghi phiếu hẹn và mời các bác, các anh chị quay lại khi có kết quả tra cứu.",
    ),
    ("digital-cert", "citizen_notice"): (
        "Kính thưa các bác, các anh chị, việc ký số kết quả của chúng tôi đang gặp sự cố kỹ thuật tạm thời. Các cán bộ kỹ thuật đang khẩn trương khắc phục. Hồ sơ của các bác, các anh chị vẫn được tiếp nhận; nếu việc trả kết quả bị chậm, cán bộ sẽ hẹn lại thời gian cụ thể. Rất mong các bác, các anh chị thông cảm cho sự bất tiện này. Xin chân thành cảm ơn!",
        "Kính thưa các bác, các anh chị, hệ thống của chúng tôi đang gặp sự cố kỹ thuật tạm thời. Các cán bộ kỹ thuật đang khẩn trương khắc phục để hệ thống sớm hoạt động trở lại. Rất mong các bác, các anh chị vui lòng chờ thêm ít phút và thông cảm cho sự bất tiện này. Xin chân thành cảm ơn! Hồ sơ của các bác, các anh chị vẫn được tiếp nhận; nếu việc ký số, trả kết quả bị chậm, cán bộ sẽ hẹn lại thời gian cụ thể.",
    ),
    ("power", "citizen_notice"): (
        "Kính thưa các bác, các anh chị, Trung tâm đang bị mất điện tạm thời. Các cán bộ đang khẩn trương khắc phục để hệ thống sớm hoạt động trở lại. Rất mong các bác, các anh chị vui lòng chờ thêm ít phút và thông cảm cho sự bất tiện này. Trong khi chờ, mời các bác, các anh chị điền vào đơn giấy, sắp xếp sẵn hồ sơ; nếu sự cố kéo dài, cán bộ sẽ tiếp nhận hồ sơ bằng giấy và ghi phiếu hẹn trả kết quả. Xin chân thành cảm ơn!",
        "Kính thưa các bác, các anh chị, hệ thống của chúng tôi đang gặp sự cố kỹ thuật tạm thời. Các cán bộ kỹ thuật đang khẩn trương khắc phục để hệ thống sớm hoạt động trở lại. Rất mong các bác, các anh chị vui lòng chờ thêm ít phút và thông cảm cho sự bất tiện này. Xin chân thành cảm ơn! Trung tâm đang bị mất điện; trong khi chờ, mời các bác, các anh chị điền vào đơn giấy, sắp xếp sẵn hồ sơ; nếu sự cố kéo dài, cán bộ sẽ tiếp nhận hồ sơ bằng giấy và ghi phiếu hẹn trả kết quả.",
    ),
    ("qms", "citizen_notice"): (
        "Kính thưa các bác, các anh chị, hệ thống bấm số thứ tự của chúng tôi đang gặp sự cố kỹ thuật tạm thời. Trong khi khắc phục, cán bộ sẽ phát số thứ tự bằng phiếu giấy và mời lần lượt theo đúng thứ tự đến trước. Rất mong các bác, các anh chị thông cảm cho sự bất tiện này. Xin chân thành cảm ơn!",
        "Kính thưa các bác, các anh chị, hệ thống của chúng tôi đang gặp sự cố kỹ thuật tạm thời. Các cán bộ kỹ thuật đang khẩn trương khắc phục để hệ thống sớm hoạt động trở lại. Rất mong các bác, các anh chị vui lòng chờ thêm ít phút và thông cảm cho sự bất tiện này. Xin chân thành cảm ơn! Trong khi khắc phục, cán bộ sẽ phát số thứ tự bằng phiếu giấy và mời lần lượt theo đúng thứ tự đến trước.",
    ),
    ("disaster", "citizen_notice"): (
        "Kính thưa các bác, các anh chị, do ảnh hưởng của thiên tai, sự cố khẩn cấp, Trung tâm tạm thời điều chỉnh việc tiếp nhận và trả kết quả hồ sơ. Mời các bác, các anh chị làm theo hướng dẫn của cán bộ để bảo đảm an toàn. Thời gian tiếp nhận, trả kết quả sẽ được thông báo trên Đài truyền thanh xã/phường, Zalo, Facebook của Trung tâm. Rất mong các bác, các anh chị thông cảm. Xin chân thành cảm ơn!",
        "Kính thưa các bác, các anh chị, hệ thống của chúng tôi đang gặp sự cố kỹ thuật tạm thời. Các cán bộ kỹ thuật đang khẩn trương khắc phục để hệ thống sớm hoạt động trở lại. Rất mong các bác, các anh chị vui lòng chờ thêm ít phút và thông cảm cho sự bất tiện này. Xin chân thành cảm ơn! Do ảnh hưởng của thiên tai, sự cố khẩn cấp, Trung tâm tạm thời điều chỉnh việc tiếp nhận và trả kết quả hồ sơ; mời các bác, các anh chị làm theo hướng dẫn của cán bộ để bảo đảm an toàn. Thời gian tiếp nhận, trả kết quả sẽ được thông báo trên Đài truyền thanh xã/phường, Zalo, Facebook của Trung tâm.",
    ),
}


def _apply(apps, pick):
    incident_type = apps.get_model("catalog", "IncidentType")
    for (code, field), texts in CHANGES.items():
        current, wanted = pick(texts)
        row = incident_type.objects.filter(code=code).first()
        if row is not None and getattr(row, field) == current:
            setattr(row, field, wanted)
            row.save(update_fields=[field])


def forwards(apps, schema_editor):
    _apply(apps, lambda texts: texts)


def backwards(apps, schema_editor):
    _apply(apps, lambda texts: texts[::-1])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_load_catalog")]

    operations = [migrations.RunPython(forwards, backwards)]
