"""The incident scenarios and texts the demo history is written from."""

from __future__ import annotations

from dataclasses import dataclass

from ungcuu.catalog.models import Tier
from ungcuu.incidents.models import Impact, Status

# --- incident scenarios ----------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One realistic way an incident of a type happens, and how it ends.

    Text may use {quay} (a counter), {he_thong} (the provincial software),
    {nha_mang} / {nha_mang_du_phong} (the carriers) and {dien_luc}."""

    description: str
    root_cause: str
    resolution: str
    minutes: tuple[int, int]  # onset → restored
    impact: str = Impact.PARTIAL
    escalate: float = 0.0  # chance of escalation to the type's target organisations
    targets: tuple[str, ...] = ()  # narrower than the type's escalation_targets
    months: tuple[int, ...] = ()  # only in these months (storms, heat)
    tier: str | None = None  # for "other", chosen by the reporter
    backup_carrier: bool = False  # the fault is on the backup line's carrier
    weight: float = 1.0  # how often, against the type's other scenarios


S = Scenario
STOPPED, PARTIAL, NONE = Impact.STOPPED, Impact.PARTIAL, Impact.NONE
SUMMER = (5, 6, 7, 8)
STORMS = (9, 10)

SCENARIOS: dict[str, tuple[Scenario, ...]] = {
    "printer-paper": (
        S(
            "Máy in tại {quay} báo lỗi hết giấy khi đang in Giấy tiếp nhận hồ sơ và hẹn trả "
            "kết quả.",
            "Hết giấy trong khay, đầu ca chưa bổ sung.",
            "Bổ sung giấy A4 đúng loại vào khay, in lại giấy tiếp nhận cho người dân.",
            (3, 12),
            NONE,
        ),
        S(
            "Máy in {quay} kẹt giấy, báo lỗi liên tục, không in được phiếu hẹn.",
            "Giấy bị ẩm, nhàu do để gần cửa sổ.",
            "Tắt máy, rút tờ giấy kẹt, thay xấp giấy mới khô phẳng và in lại.",
            (5, 20),
        ),
        S(
            "Máy in {quay} kẹt giấy ở khu vực sấy, bản in bị lệch trang.",
            "Dùng loại giấy mỏng, không đúng định lượng khuyến nghị.",
            "Lấy giấy kẹt ra, đổi sang giấy A4 định lượng 70 g/m², in thử đạt.",
            (8, 25),
        ),
        S(
            "Hết giấy in, kho vật tư không còn giấy dự phòng.",
            "Vật tư giấy in chưa được cấp bổ sung theo định mức tháng.",
            "Mượn tạm giấy của Văn phòng HĐND và UBND; đề nghị bộ phận hành chính cấp bổ "
            "sung 10 ram giấy.",
            (15, 60),
        ),
        S(
            "Máy in {quay} kẹt giấy liên tục, có tiếng kêu lạ khi kéo giấy.",
            "Trục kéo giấy của máy in bị mòn.",
            "Chuyển lệnh in sang máy in quầy bên cạnh; đơn vị sửa chữa thay trục kéo giấy.",
            (60, 240),
            escalate=0.9,
        ),
        S(
            "Máy in {quay} báo lỗi thiếu giấy dù khay vẫn còn giấy.",
            "Cảm biến khay giấy bị bụi bám.",
            "Vệ sinh cảm biến, lắp lại khay giấy, in thử đạt.",
            (5, 20),
            NONE,
        ),
    ),
    "printer-ink": (
        S(
            "Máy in {quay} in mờ, chữ nhạt trên phiếu hẹn trả kết quả.",
            "Hộp mực sắp hết.",
            "Lắc đều hộp mực, in thử; thay hộp mực mới lấy từ kho vật tư.",
            (5, 20),
            NONE,
        ),
        S(
            "Máy in {quay} báo hết mực, không in được kết quả giải quyết TTHC.",
            "Hết hộp mực dự phòng.",
            "Chuyển in sang máy in khác trong Trung tâm; đơn vị dịch vụ đến đổ mực và giao "
            "thêm 2 hộp mực dự phòng.",
            (40, 180),
            escalate=0.8,
        ),
        S(
            "Bản in của máy in {quay} có vệt đen dọc trang, khó đọc mã hồ sơ.",
            "Trống (drum) của hộp mực bị xước.",
            "Thay hộp mực mới, in thử rõ nét; để riêng hộp mực hỏng chờ bảo hành.",
            (10, 30),
        ),
        S(
            "Máy in {quay} in ra trang trắng sau khi thay hộp mực mới.",
            "Chưa bóc băng keo niêm phong trên hộp mực mới.",
            "Tháo hộp mực, bóc băng keo niêm phong, lắp lại và in thử.",
            (3, 10),
            NONE,
        ),
        S(
            "Máy in {quay} báo lỗi hộp mực không tương thích.",
            "Hộp mực đổ lại bị lỗi chip.",
            "Thay hộp mực chính hãng; đề nghị đơn vị đổ mực kiểm tra lại chip.",
            (20, 90),
            escalate=0.5,
        ),
    ),
    "login": (
        S(
            "Cán bộ {quay} không đăng nhập được {he_thong}, báo sai mật khẩu.",
            "Tài khoản bị khóa do nhập sai mật khẩu nhiều lần.",
            "Liên hệ quản trị hệ thống mở khóa sau khi xác minh danh tính; hướng dẫn đổi "
            "mật khẩu an toàn.",
            (10, 40),
            escalate=0.4,
        ),
        S(
            "Không đăng nhập được tài khoản cán bộ trên Cổng Dịch vụ công quốc gia.",
            "Mật khẩu hết hạn, hệ thống yêu cầu đổi mật khẩu.",
            "Đổi mật khẩu theo hướng dẫn, đăng nhập lại thành công.",
            (10, 25),
        ),
        S(
            "Cán bộ mới được phân công về Bộ phận Một cửa chưa vào được {he_thong}.",
            "Tài khoản chưa được kích hoạt và phân quyền lĩnh vực.",
            "Đề nghị quản trị hệ thống kích hoạt, phân quyền; cán bộ đăng nhập được.",
            (20, 40),
            escalate=0.8,
        ),
        S(
            "Nhập đúng mật khẩu nhưng {he_thong} vẫn báo đăng nhập không thành công.",
            "Bộ gõ tiếng Việt đang bật nên mật khẩu bị gõ sai ký tự.",
            "Tắt bộ gõ tiếng Việt, kiểm tra phím Caps Lock, đăng nhập lại.",
            (10, 15),
            NONE,
        ),
        S(
            "Cán bộ {quay} quên mật khẩu phần mềm quản lý hộ tịch.",
            "Cán bộ không nhớ mật khẩu sau thời gian nghỉ phép.",
            "Dùng chức năng “Quên mật khẩu”, đặt lại mật khẩu qua thư điện tử công vụ.",
            (10, 30),
        ),
        S(
            "Không đăng nhập được {he_thong} bằng tài khoản định danh điện tử (VNeID).",
            "Lỗi xác thực tài khoản định danh điện tử phía hệ thống.",
            "Đăng nhập bằng tài khoản cấp riêng của hệ thống trong khi chờ; nhà cung cấp "
            "khắc phục lỗi xác thực.",
            (15, 40),
            escalate=0.7,
        ),
    ),
    "slow-system": (
        S(
            "{he_thong} tải hồ sơ rất chậm, mỗi thao tác mất 1–2 phút.",
            "Hệ thống quá tải vào giờ cao điểm đầu tuần.",
            "Nhà cung cấp tăng tài nguyên máy chủ; hướng dẫn người dân điền tờ khai trong khi chờ.",
            (20, 90),
            escalate=0.6,
        ),
        S(
            "Máy tính {quay} chạy rất chậm, treo khi mở trình duyệt.",
            "Ổ cứng máy tính đầy, nhiều phần mềm khởi động cùng Windows.",
            "Dọn ổ cứng, gỡ phần mềm thừa, quét mã độc, khởi động lại máy.",
            (15, 60),
        ),
        S(
            "Không tải được tệp đính kèm hồ sơ lên hệ thống, đường truyền rất chậm.",
            "Băng thông bị chiếm do nhiều máy tự động cập nhật Windows.",
            "Tạm dừng cập nhật, đặt lịch cập nhật ngoài giờ làm việc.",
            (15, 45),
        ),
        S(
            "Cổng Dịch vụ công quốc gia phản hồi chậm khi đồng bộ trạng thái hồ sơ.",
            "Cổng Dịch vụ công quốc gia đang bảo trì, nâng cấp.",
            "Chờ hệ thống ổn định, đồng bộ lại trạng thái hồ sơ cuối ngày.",
            (30, 90),
            NONE,
        ),
        S(
            "Máy tính {quay} chậm bất thường, hiện nhiều cửa sổ quảng cáo.",
            "Máy tính nhiễm phần mềm quảng cáo độc hại từ USB mang từ ngoài vào.",
            "Quét, gỡ phần mềm độc hại; nhắc cán bộ không mở USB lạ trên máy nghiệp vụ.",
            (30, 90),
        ),
    ),
    "internet": (
        S(
            "Mất kết nối mạng toàn bộ Bộ phận Một cửa.",
            "Nhà mạng {nha_mang} đứt cáp quang.",
            "{nha_mang} hàn nối lại cáp quang; trong thời gian chờ dùng bộ phát Wi-Fi 4G dự "
            "phòng cho máy tiếp nhận.",
            (60, 240),
            STOPPED,
            escalate=0.95,
            weight=2.5,
        ),
        S(
            "Mất Internet toàn Trung tâm từ đầu giờ, đèn LOS trên modem quang báo đỏ.",
            "Tuyến cáp quang của nhà mạng {nha_mang} bị đứt do thi công đường.",
            "Nhà mạng xử lý tuyến cáp; Trung tâm chuyển sang đường truyền dự phòng "
            "{nha_mang_du_phong}.",
            (60, 240),
            STOPPED,
            escalate=0.95,
            weight=2.5,
        ),
        S(
            "Mất kết nối Internet toàn Trung tâm.",
            "Modem quang bị treo do điện áp chập chờn.",
            "Khởi động lại modem và router; đề xuất lắp bộ lưu điện cho thiết bị mạng.",
            (20, 45),
            STOPPED,
            escalate=0.3,
        ),
        S(
            "Một số máy tính tại các quầy tiếp nhận mất mạng.",
            "Switch mạng nội bộ hỏng cổng.",
            "Thay switch dự phòng, đấu nối lại dây mạng cho các quầy.",
            (30, 120),
        ),
        S(
            "Mạng chập chờn, mất kết nối từng đợt khi đang nộp hồ sơ trực tuyến.",
            "Dây cáp mạng dưới sàn bị chuột cắn.",
            "Thay đoạn cáp mạng hỏng, đi lại dây trong ống ghen bảo vệ.",
            (40, 180),
            escalate=0.1,
        ),
        S(
            "Mất Internet sau trận mưa giông, đường truyền dự phòng cũng không vào được mạng.",
            "Thiết bị đầu cuối quang (ONT) của nhà mạng {nha_mang_du_phong} hỏng do sét.",
            "Nhà mạng {nha_mang_du_phong} thay thiết bị ONT mới, cấu hình lại đường truyền.",
            (90, 240),
            STOPPED,
            escalate=0.95,
            months=(4, 5, 6, 7, 8, 9),
            backup_carrier=True,
        ),
    ),
    "software-down": (
        S(
            "Không thể đăng nhập vào {he_thong}, báo lỗi ‘Gateway Timeout’.",
            "Máy chủ {he_thong} gặp sự cố, dịch vụ ngừng phản hồi.",
            "Nhà cung cấp khởi động lại dịch vụ, hệ thống hoạt động trở lại; nhập lại các hồ "
            "sơ đã tiếp nhận bằng giấy.",
            (45, 300),
            STOPPED,
            escalate=0.95,
        ),
        S(
            "{he_thong} không tải được danh sách hồ sơ, báo lỗi 500.",
            "Lỗi sau khi cập nhật phiên bản mới của phần mềm.",
            "Nhà cung cấp khôi phục phiên bản trước, hẹn cập nhật lại ngoài giờ làm việc.",
            (60, 480),
            STOPPED,
            escalate=0.95,
        ),
        S(
            "Không in được Giấy tiếp nhận hồ sơ và hẹn trả kết quả từ phần mềm.",
            "Lỗi mẫu in sau khi cập nhật biểu mẫu theo Thông tư 03/2025/TT-VPCP.",
            "Nhà cung cấp sửa mẫu in; trong thời gian chờ viết phiếu hẹn bằng tay theo mẫu.",
            (30, 240),
            escalate=0.9,
            targets=("software_vendor",),
        ),
        S(
            "Hồ sơ không đồng bộ được lên Cổng Dịch vụ công quốc gia.",
            "Lỗi trục liên thông, tích hợp dữ liệu (LGSP) của tỉnh.",
            "Trung tâm CNTT tỉnh khắc phục trục liên thông, đồng bộ lại toàn bộ hồ sơ trong ngày.",
            (120, 1440),
            escalate=0.9,
        ),
        S(
            "Toàn bộ {he_thong} bị treo, không thao tác được.",
            "Máy chủ cơ sở dữ liệu quá tải do tác vụ sao lưu chạy trong giờ làm việc.",
            "Nhà cung cấp dừng tác vụ sao lưu, chuyển lịch sao lưu sang ban đêm.",
            (30, 180),
            STOPPED,
            escalate=0.9,
        ),
    ),
    "national-db": (
        S(
            "Không tra cứu được thông tin công dân trên CSDL quốc gia về dân cư.",
            "Mất kết nối tới CSDL quốc gia về dân cư do hệ thống bảo trì.",
            "Hệ thống khôi phục; đối chiếu lại thông tin các hồ sơ đã tiếp nhận bằng giấy.",
            (30, 240),
            escalate=0.8,
        ),
        S(
            "Phần mềm hộ tịch điện tử không kết nối được CSDL hộ tịch, không cấp được trích lục.",
            "Chứng chỉ kết nối của tài khoản hết hạn.",
            "Đầu mối kỹ thuật cấp tỉnh gia hạn chứng chỉ kết nối, cấp lại quyền truy cập.",
            (60, 300),
            escalate=0.9,
        ),
        S(
            "Không khai thác được dữ liệu đất đai khi tiếp nhận hồ sơ đăng ký biến động.",
            "CSDL đất đai đang đồng bộ dữ liệu sau sắp xếp đơn vị hành chính.",
            "Ghi nhận hồ sơ, hẹn người dân; đối chiếu dữ liệu sau khi hệ thống đồng bộ xong.",
            (90, 480),
            escalate=0.8,
        ),
        S(
            "Tra cứu CSDL dân cư báo ‘Không tìm thấy thông tin công dân’ với số định danh hợp lệ.",
            "Dữ liệu dân cư chưa cập nhật địa chỉ mới sau sắp xếp đơn vị hành chính 2025.",
            "Đầu mối kỹ thuật cấp tỉnh cập nhật dữ liệu; tiếp nhận hồ sơ bằng giấy cho các "
            "trường hợp cần xác minh.",
            (60, 300),
            escalate=0.9,
        ),
        S(
            "Xác thực thông tin công dân qua VNeID trên {he_thong} báo lỗi kết nối.",
            "Lỗi kết nối giữa hệ thống của tỉnh và hệ thống định danh, xác thực điện tử.",
            "Đầu mối kỹ thuật khắc phục kết nối; hướng dẫn người dân xuất trình CCCD gắn chip "
            "để đối chiếu trực tiếp.",
            (30, 180),
            escalate=0.8,
        ),
    ),
    "digital-cert": (
        S(
            "USB chứng thư số của lãnh đạo Trung tâm không nhận, không ký số được kết quả.",
            "USB chứng thư số bị hỏng.",
            "Đăng ký cấp mới chứng thư số theo quy định của Ban Cơ yếu Chính phủ; trong thời "
            "gian chờ, lãnh đạo khác được phân công ký thay.",
            (240, 1440),
            escalate=0.95,
        ),
        S(
            "Phần mềm ký số báo lỗi ‘Không tìm thấy chứng thư số’.",
            "Trình điều khiển USB token bị lỗi sau khi cập nhật Windows.",
            "Cài lại trình điều khiển và phần mềm ký số theo hướng dẫn của Trung tâm CNTT tỉnh.",
            (30, 180),
            escalate=0.8,
        ),
        S(
            "Chứng thư số của cán bộ {quay} báo hết hạn, không ký được văn bản.",
            "Chứng thư số hết hạn nhưng chưa làm thủ tục gia hạn.",
            "Gia hạn chứng thư số; lập danh sách theo dõi hạn dùng các chứng thư số của Trung tâm.",
            (120, 600),
            escalate=0.9,
        ),
        S(
            "Ký số kết quả TTHC báo lỗi không kiểm tra được trạng thái chứng thư.",
            "Máy chủ kiểm tra trạng thái chứng thư số không phản hồi.",
            "Chờ máy chủ khôi phục; ký lại các kết quả còn tồn.",
            (30, 120),
            escalate=0.6,
        ),
        S(
            "Máy tính mới của {quay} không ký số được.",
            "Máy tính chưa cài phần mềm ký số và chứng chỉ gốc.",
            "Trung tâm CNTT tỉnh hỗ trợ từ xa cài phần mềm ký số, chứng chỉ gốc.",
            (30, 90),
            escalate=0.7,
        ),
    ),
    "power": (
        S(
            "Mất điện toàn bộ Trung tâm.",
            "Mất điện lưới khu vực, chạy máy nổ.",
            "Chạy máy nổ dự phòng để duy trì tiếp nhận; {dien_luc} khôi phục lưới điện.",
            (60, 360),
            STOPPED,
            escalate=0.95,
        ),
        S(
            "Mất điện theo lịch cắt điện bảo dưỡng đường dây.",
            "{dien_luc} cắt điện bảo dưỡng đường dây, Trung tâm chưa nắm lịch kịp thời.",
            "Chạy máy nổ; đề nghị {dien_luc} gửi lịch cắt điện qua nhóm Zalo của Trung tâm.",
            (120, 360),
            STOPPED,
            escalate=0.9,
        ),
        S(
            "Mất điện Bộ phận Một cửa, aptomat tổng nhảy.",
            "Quá tải do bật đồng thời nhiều điều hòa và máy in.",
            "Đóng lại aptomat, phân bổ lại phụ tải; đề xuất nâng công suất đường dây.",
            (30, 60),
            STOPPED,
            escalate=0.05,
        ),
        S(
            "Điện chập chờn, máy tính các quầy tự khởi động lại.",
            "Sự cố tại trạm biến áp khu vực.",
            "{dien_luc} xử lý trạm biến áp; Trung tâm dùng bộ lưu điện cho máy chủ và modem.",
            (45, 240),
            escalate=0.9,
        ),
        S(
            "Mất điện sau giông lốc.",
            "Cây đổ vào đường dây trung thế do giông lốc.",
            "{dien_luc} xử lý sự cố đường dây; chạy máy nổ trong thời gian chờ.",
            (90, 360),
            STOPPED,
            escalate=0.95,
            months=(4, 5, 6, 7, 8, 9),
        ),
    ),
    "qms": (
        S(
            "Máy bấm số không in được phiếu thứ tự.",
            "Giấy in nhiệt của kiosk bấm số bị kẹt.",
            "Lấy giấy kẹt, thay cuộn giấy mới; phát số bằng phiếu giấy trong thời gian xử lý.",
            (20, 60),
            escalate=0.2,
        ),
        S(
            "Màn hình gọi số tại các quầy không hiển thị.",
            "Mất kết nối mạng giữa kiosk và máy chủ QMS.",
            "Kiểm tra, cắm lại dây mạng, khởi động lại máy chủ QMS.",
            (30, 120),
            escalate=0.5,
        ),
        S(
            "Hệ thống bấm số không phát được âm thanh gọi số.",
            "Lỗi phần mềm điều khiển loa gọi số sau khi cập nhật.",
            "Kỹ thuật nhà cung cấp cài lại phần mềm điều khiển; cán bộ gọi số trực tiếp trong "
            "lúc chờ.",
            (45, 180),
            escalate=0.9,
        ),
        S(
            "Kiosk bấm số bị treo, màn hình cảm ứng không phản hồi.",
            "Bo mạch cảm ứng của kiosk bị lỗi.",
            "Nhà cung cấp thay bo mạch cảm ứng; phát số thứ tự bằng phiếu giấy theo thứ tự đến.",
            (120, 480),
            escalate=0.9,
        ),
    ),
    "disaster": (
        S(
            "Mưa lớn do hoàn lưu bão, nước tràn vào tầng 1 Trung tâm.",
            "Mưa lớn kéo dài do hoàn lưu bão gây ngập cục bộ.",
            "Di chuyển hồ sơ, thiết bị lên tầng 2; thông báo trên Đài truyền thanh, Zalo, "
            "Facebook về việc tiếp nhận tạm tại hội trường UBND; tiếp nhận hồ sơ bằng giấy.",
            (240, 1440),
            STOPPED,
            escalate=0.95,
            months=STORMS,
        ),
        S(
            "Lũ dâng, các tuyến đường vào Trung tâm bị ngập, người dân không đến được.",
            "Lũ lên nhanh sau nhiều ngày mưa lớn.",
            "Thông báo khẩn trên Đài truyền thanh và nhóm Zalo; hướng dẫn người dân nộp hồ "
            "sơ trực tuyến, dời lịch hẹn trả kết quả.",
            (360, 1440),
            STOPPED,
            escalate=0.95,
            months=STORMS,
        ),
        S(
            "Chập điện ổ cắm gây cháy nhỏ tại khu vực kho lưu trữ hồ sơ.",
            "Chập điện do dây dẫn cũ, quá tải.",
            "Dùng bình chữa cháy dập tắt ngay, ngắt điện khu vực; kiểm tra hồ sơ lưu trữ, "
            "thay dây dẫn.",
            (60, 240),
            STOPPED,
            escalate=0.9,
        ),
        S(
            "Giông lốc làm tốc mái tôn khu vực chờ, một số máy tính bị ướt.",
            "Giông lốc mạnh kèm mưa lớn.",
            "Đưa người dân vào hội trường, che chắn thiết bị; sửa lại mái tôn; kiểm tra, hong "
            "khô máy tính.",
            (120, 480),
            STOPPED,
            escalate=0.9,
            months=SUMMER,
        ),
    ),
    "other": (
        S(
            "Máy quét (scan) {quay} không nhận, không số hóa được hồ sơ.",
            "Lỗi trình điều khiển máy quét sau khi cập nhật Windows.",
            "Cài lại trình điều khiển máy quét, quét thử đạt.",
            (15, 60),
            tier=Tier.SIMPLE,
        ),
        S(
            "Thiết bị đánh giá mức độ hài lòng tại {quay} không hoạt động.",
            "Thiết bị mất kết nối mạng không dây.",
            "Kết nối lại Wi-Fi, khởi động lại thiết bị.",
            (10, 40),
            NONE,
            tier=Tier.SIMPLE,
        ),
        S(
            "Máy tính {quay} không khởi động được.",
            "Bộ nguồn máy tính bị hỏng.",
            "Chuyển cán bộ sang máy tính dự phòng; thay bộ nguồn mới.",
            (30, 120),
            tier=Tier.SIMPLE,
        ),
        S(
            "Điều hòa khu vực chờ hỏng, người dân phản ánh nóng.",
            "Điều hòa hết gas, máy nén không chạy.",
            "Bật quạt, mở cửa thông gió; thợ đến nạp gas, sửa điều hòa.",
            (60, 240),
            NONE,
            months=SUMMER,
            tier=Tier.SIMPLE,
        ),
        S(
            "Camera giám sát khu vực Bộ phận Một cửa mất hình.",
            "Ổ cứng đầu ghi hình bị hỏng.",
            "Thay ổ cứng đầu ghi hình, kiểm tra việc lưu trữ hình ảnh.",
            (60, 240),
            NONE,
            tier=Tier.SIMPLE,
        ),
        S(
            "Máy chủ nội bộ lưu bản quét hồ sơ báo lỗi ổ cứng, không truy cập được thư mục chung.",
            "Một ổ cứng trong máy chủ lưu trữ bị hỏng.",
            "Thay ổ cứng, khôi phục dữ liệu từ bản sao lưu gần nhất.",
            (120, 480),
            escalate=0.7,
            tier=Tier.COMPLEX,
        ),
    ),
}

# Incidents per year per center before the center's own scale; disasters are
# added on top, in their season.
TYPE_WEIGHTS = {
    "printer-paper": 15,
    "printer-ink": 12,
    "login": 14,
    "slow-system": 8,
    "internet": 5,
    "software-down": 4,
    "national-db": 4,
    "digital-cert": 3,
    "power": 4,
    "qms": 3,
    "other": 4,
}
# Mountain communes lose power and lines more often; wards queue more people.
CENTER_WEIGHT_FACTORS = {
    "dongphuc": {"power": 1.6, "internet": 1.5},
    "hungdao": {"slow-system": 1.4, "qms": 1.5},
    "thaihoa": {"qms": 1.2},
}

ESCALATION_NOTES = (
    "Tổ trưởng đã báo qua nhóm Zalo cho Tổ Công tác tỉnh và {orgs}.",
    "Đã gọi đường dây nóng {orgs}, đề nghị cử kỹ thuật hỗ trợ.",
    "Đã gửi ảnh chụp màn hình lỗi, thời điểm phát sinh và ảnh hưởng cho {orgs}.",
)
HANDLER_NOTES = (
    "Đã chụp ảnh màn hình lỗi gửi nhóm Zalo của Tổ ứng cứu.",
    "Đã khởi động lại thiết bị, lỗi vẫn còn.",
    "Đã kiểm tra các quầy khác để xác định phạm vi ảnh hưởng.",
    "Đã báo lãnh đạo Trung tâm nắm tình hình.",
)
PAPER_START_NOTES = (
    "Sự cố kéo dài, chuyển sang tiếp nhận hồ sơ bằng giấy; đã treo thông báo tại khu vực chờ.",
    "Đã thông báo, xin lỗi người dân đang chờ; chuyển sang tiếp nhận hồ sơ bằng giấy theo "
    "quy trình ngoại tuyến.",
)
VENDOR_NOTES = (
    "Tổ Đối ứng VNPT Nghệ An đã nhận thông tin, cử kỹ thuật viên đến kiểm tra.",
    "VNPT Nghệ An: đã xác định vị trí sự cố, đang khắc phục.",
)
PROVINCE_NOTES = (
    "Tổ Công tác tỉnh đã nắm thông tin, đề nghị Trung tâm cập nhật tiến độ khắc phục.",
    "Tổ Công tác tỉnh: đã đôn đốc đơn vị liên quan hỗ trợ Trung tâm.",
)
REOPEN_REASONS = (
    "Lỗi tái diễn sau khi khắc phục khoảng nửa giờ.",
    "Người dân phản ánh vẫn chưa nộp được hồ sơ, kiểm tra lại thì lỗi còn.",
)

# The open incidents the home page shows: (center, type, scenario index,
# working minutes before the demo's "now", the stage to stop at).
OPEN_INCIDENTS = (
    ("bachngoc", "internet", 0, 170, Status.ESCALATED),
    ("thaihoa", "digital-cert", 0, 420, Status.ESCALATED),
    ("hungdao", "qms", 1, 50, Status.IN_PROGRESS),
    ("dongphuc", "slow-system", 0, 35, Status.IN_PROGRESS),
    ("thaihoa", "printer-ink", 0, 18, Status.ACKNOWLEDGED),
    ("tanky", "login", 0, 9, Status.REPORTED),
)
